import fs from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';

/**
 * The plugin is the repository this app sits in. Strapi needs an absolute `resolve`
 * for a local plugin, and this file runs from dist/config once compiled, so look
 * upwards for the plugin's package.json (as playground/config/plugins.ts does).
 */
const pluginRoot = (): string => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (
      fs.existsSync(manifest) &&
      (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name ===
        'strapi-plugin-consent'
    ) {
      return dir;
    }
  }
  throw new Error('strapi-plugin-consent not found above ' + __dirname);
};

/**
 * The form a freshly created TypeScript app accepts (strict: the `env` parameter and
 * the result are typed). The host's own names: customers with fullName/mail/mobile/lang,
 * appointments that relate to a customer. Nothing else is required; `locales` lists the
 * languages `lang` holds, and the worker can be switched off for the tests.
 */
const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Plugin => ({
  consent: {
    enabled: true,
    resolve: pluginRoot(),
    config: {
      subject: {
        uid: 'api::customer.customer',
        email: 'mail',
        phone: 'mobile',
        name: 'fullName',
        language: 'lang',
      },
      bookings: [{ uid: 'api::appointment.appointment', subject: 'customer', requirement: 'warn' }],
      defaultLocale: 'en',
      locales: ['en', 'da', 'sv'],
      worker: { enabled: env.bool('CONSENT_WORKER', true) },
    },
  },
});

export default config;
