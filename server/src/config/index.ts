import { parsePluginConfig } from './schema';

export default {
  default: {
    bookings: [],
    requestTtlDays: 7,
    defaultLocale: 'en',
  },
  /** Shape check when Strapi loads the plugin; host content types are checked in register(). */
  validator(config: unknown) {
    parsePluginConfig(config);
  },
};
