// A whole Strapi instance of the demo app in its own process (the multi-instance
// tests start several on one database). Configured through the environment.
const { createStrapi } = require('@strapi/strapi');

const app = createStrapi({
  appDir: process.env.CONSENT_APP_DIR,
  distDir: process.env.CONSENT_DIST_DIR,
  autoReload: false,
  serveAdminPanel: false,
});
app.start().then(
  () => process.send?.({ ready: true }),
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
