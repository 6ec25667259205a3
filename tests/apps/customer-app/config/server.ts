import type { Core } from '@strapi/strapi';

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Server => ({
  host: env('HOST', '0.0.0.0'),
  port: env.int('PORT', 1337),
  app: {
    keys: env.array('APP_KEYS')!,
  },
  // Tests boot this app many times: no update check over the network, and quiet logs.
  logger: {
    updates: { enabled: false },
    config: { level: env('LOG_LEVEL', 'info') },
  },
});

export default config;
