import type { TestApp } from './app';

export const BOOKING = { startsAt: '2026-12-15T10:00:00.000Z', service: 'Haircut' };

let counter = 0;
export const newContact = (overrides: Record<string, unknown> = {}) => {
  counter += 1;
  return {
    name: `Booker ${counter}`,
    email: `booker.${counter}.${Date.now()}@example.com`,
    language: 'da',
    ...overrides,
  };
};

/** What a public booking front-end sends: POST /api/bookings without any token. */
export const book = (app: TestApp, data: Record<string, unknown>) =>
  app
    .http()
    .post('/api/bookings')
    .set('User-Agent', 'BookingPage/2.0 (test)')
    .send({ data: { ...BOOKING, ...data } });

/** The current texts as a front-end fetches them, keyed by purpose. */
export const currentTexts = async (app: TestApp, locale = 'da') => {
  const res = await app.http().get('/api/consent/texts').query({ locale });
  return Object.fromEntries(
    res.body.data.map((t: { purpose: string }) => [t.purpose, t])
  ) as Record<string, { version: string; sha256: string; textId: string; locale: string }>;
};

export const clientByEmail = async (app: TestApp, email: string) =>
  app.strapi.db.query('api::client.client').findOne({ where: { email } });

/** The API token name the tests' booking back-end uses; the test environment marks it trusted (CONSENT_TRUSTED_API_TOKENS). */
export const TRUSTED_TOKEN_NAME = 'booking-server';

const trustedTokens = new WeakMap<TestApp, Promise<string>>();

/** An API token that may create bookings, named `name` (trusted when the plugin's `trust.apiTokens` lists it). */
export const bookingToken = async (app: TestApp, name: string): Promise<string> => {
  const token = (await app.strapi.service('admin::api-token').create({
    name,
    description: 'test booking back-end',
    type: 'custom',
    permissions: ['api::booking.booking.create'],
    lifespan: null,
  })) as { accessKey: string };
  return token.accessKey;
};

/**
 * What a booking back-end the host trusts sends (it authenticated its own users): its
 * decisions count at once, also for a client who exists already.
 */
export const bookTrusted = async (app: TestApp, data: Record<string, unknown>) => {
  let token = trustedTokens.get(app);
  if (!token) trustedTokens.set(app, (token = bookingToken(app, TRUSTED_TOKEN_NAME)));
  return app
    .http()
    .post('/api/bookings')
    .set('Authorization', `Bearer ${await token}`)
    .set('User-Agent', 'BookingServer/1.0 (test)')
    .send({ data: { ...BOOKING, ...data } });
};
