// The demo app with its built admin panel served (`strapi start`, in-process
// API), in its own process for the browser tests. Configured through the environment.
const { createStrapi } = require('@strapi/strapi');

const app = createStrapi({
  appDir: process.env.CONSENT_APP_DIR,
  distDir: process.env.CONSENT_DIST_DIR,
  autoReload: false,
  serveAdminPanel: true,
});
app.start().then(
  () => process.send?.({ ready: true }),
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
process.on('SIGTERM', () => {
  app.destroy().finally(() => process.exit(0));
});
