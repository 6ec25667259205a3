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
  () => {
    // Browser tests of time-based rules (retention) move the plugin's clock forward, as the
    // integration tests do in-process: CONSENT_CLOCK_ADVANCE_DAYS=1100 is three years on.
    const days = Number(process.env.CONSENT_CLOCK_ADVANCE_DAYS || 0);
    if (days)
      app
        .plugin('consent')
        .service('clock')
        .advance(days * 24 * 60 * 60 * 1000);
    process.send?.({ ready: true });
  },
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
process.on('SIGTERM', () => {
  app.destroy().finally(() => process.exit(0));
});
