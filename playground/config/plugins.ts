import fs from 'node:fs';
import path from 'node:path';

/**
 * The plugin lives at the root of this repository. Strapi needs an absolute
 * `resolve` for a local plugin (a relative '..' resolves inside @strapi/core),
 * and this file runs from playground/dist/config once compiled, so look upwards.
 */
const pluginRoot = (): string => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'strapi-plugin-consent') {
      return dir;
    }
  }
  throw new Error('strapi-plugin-consent not found above ' + __dirname);
};

export default ({ env }) => ({
  consent: {
    // CONSENT_ENABLED=false runs the same app without the plugin (the booking benchmark's baseline).
    enabled: env.bool('CONSENT_ENABLED', true),
    resolve: pluginRoot(),
    config: {
      subject: { uid: 'api::client.client', email: 'email', phone: 'phone', name: 'name', language: 'language', user: 'user' },
      bookings: [{ uid: 'api::booking.booking', subject: 'client', requirement: env('CONSENT_BOOKING_REQUIREMENT', 'warn') }],
      requestTtlDays: env.int('CONSENT_REQUEST_TTL_DAYS', 7),
      defaultLocale: 'en',
      locales: ['en', 'da', 'sv'],
    },
  },
  'users-permissions': {
    config: { jwtSecret: env('JWT_SECRET') },
  },
});
