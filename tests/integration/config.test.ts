import { createStrapi } from '@strapi/strapi';
import fs from 'node:fs';
import path from 'node:path';
import { startApp } from '../helpers/app';
import { resetDatabase } from '../helpers/database';
import { APP_DIR, DIST_DIR } from '../helpers/paths';

/**
 * Boot the demo app with an environment-specific config/env/test/plugins.js
 * merged over its own (as a host app would write it), from a copy of its build.
 */
const bootWith = async (consentConfig: object): Promise<Error | null> => {
  // Inside the app, so the copy finds the plugin above it as the original does.
  fs.mkdirSync(path.join(APP_DIR, '.tmp'), { recursive: true });
  const distDir = fs.mkdtempSync(path.join(APP_DIR, '.tmp', 'dist-config-'));
  fs.cpSync(DIST_DIR, distDir, { recursive: true });
  fs.mkdirSync(path.join(distDir, 'config', 'env', 'test'), { recursive: true });
  fs.writeFileSync(
    path.join(distDir, 'config', 'env', 'test', 'plugins.js'),
    `module.exports = () => (${JSON.stringify({ consent: { config: consentConfig } })});\n`
  );
  Object.assign(process.env, await resetDatabase(), { NODE_ENV: 'test' });
  const strapi = createStrapi({
    appDir: APP_DIR,
    distDir,
    autoReload: false,
    serveAdminPanel: false,
  });
  try {
    await strapi.load();
    return null;
  } catch (error) {
    return error as Error;
  } finally {
    await strapi.destroy().catch(() => undefined);
    fs.rmSync(distDir, { recursive: true, force: true });
  }
};

beforeAll(async () => {
  // Secrets and the rest of the environment, as the other suites have them.
  const app = await startApp();
  await app.stop();
});

describe('plugin configuration is validated at start', () => {
  it.each([
    [{ subject: { uid: 'api::customer.customer' } }, 'subject.uid', 'is not a content type'],
    [
      { subject: { email: 'mail' } },
      'subject.email',
      '"mail" is not an attribute of api::client.client',
    ],
    [{ subject: { language: 'bookings' } }, 'subject.language', 'expected a text field'],
    [
      { bookings: [{ uid: 'api::booking.booking', subject: 'customer' }] },
      'bookings.0.subject',
      'is not an attribute',
    ],
    [
      { bookings: [{ uid: 'api::booking.booking', subject: 'service' }] },
      'bookings.0.subject',
      'must be a relation to api::client.client',
    ],
    [
      { bookings: [{ uid: 'api::appointment.appointment', subject: 'client' }] },
      'bookings.0.uid',
      'is not a content type',
    ],
    [
      { bookings: [{ uid: 'api::booking.booking', subject: 'client', requirement: 'sometimes' }] },
      'bookings.0.requirement',
      '',
    ],
    [{ requestTtlDays: 0 }, 'requestTtlDays', ''],
    [{ subject: { uid: 'not a uid' } }, 'subject.uid', 'must be a content-type uid'],
    [{ locales: ['da', 'sv'] }, 'locales', 'must include defaultLocale "en"'],
    [{ unknownKey: true }, '', 'unknownKey'],
    [{ intake: { rateLimit: { store: 'memcached' } } }, 'intake.rateLimit.store', ''],
    [
      { intake: { rateLimit: { redis: { url: 'rediss://cache:6380' } } } },
      'intake.rateLimit.redis.url',
      'must be a redis:// URL',
    ],
  ])('%j stops Strapi with a message naming %s', async (config, key, detail) => {
    const error = await bootWith(config);
    expect(error).not.toBeNull();
    expect(error?.message).toContain('[consent] invalid plugin configuration');
    expect(error?.message).toContain(key);
    expect(error?.message).toContain(detail);
  });

  it('boots with a valid configuration', async () => {
    expect(await bootWith({ requestTtlDays: 14 })).toBeNull();
  });
});
