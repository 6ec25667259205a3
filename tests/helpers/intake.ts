import type request from 'supertest';
import type { TestApp } from './app';
import { book, newContact } from './booking';

/** What the intake rate-limit suites boot with: a low limit, one-day windows the tests step through with the clock. */
export const INTAKE_MAX = 3;
export const INTAKE_WINDOW_SECONDS = 86_400;

export const intakeEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  CONSENT_WORKER: 'false',
  CONSENT_INTAKE_RATE_MAX: String(INTAKE_MAX),
  CONSENT_INTAKE_RATE_WINDOW_SECONDS: String(INTAKE_WINDOW_SECONDS),
  ...extra,
});

/** Bookings and clients in the database: a refused booking changes neither. */
export const writtenCounts = async (app: TestApp) => ({
  bookings: await app.strapi.db.query('api::booking.booking').count({}),
  clients: await app.strapi.db.query('api::client.client').count({}),
});

interface Clock {
  now(): Date;
  set(at: Date): void;
  reset(): void;
}
export const clockOf = (app: TestApp) => app.strapi.plugin('consent').service('clock') as Clock;

/** Move the plugin's clock to the start of the next window: a fresh count. */
export const nextWindow = (app: TestApp) => {
  const clock = clockOf(app);
  const windowMs = INTAKE_WINDOW_SECONDS * 1000;
  clock.set(new Date((Math.floor(clock.now().getTime() / windowMs) + 1) * windowMs));
};

/** INTAKE_MAX anonymous bookings, every one admitted. */
export const fillWindow = async (app: TestApp) => {
  for (let i = 0; i < INTAKE_MAX; i += 1) {
    const res = await book(app, { contact: newContact() });
    if (res.status !== 201)
      throw new Error(
        `booking ${i + 1} of ${INTAKE_MAX}: ${res.status} ${JSON.stringify(res.body)}`
      );
  }
};

/** A refusal of the limit: 429 in Strapi's error shape, with a Retry-After that agrees with the details. */
export const expectRefused = (res: request.Response) => {
  expect(res.status).toBe(429);
  expect(res.body).toEqual({
    data: null,
    error: {
      status: 429,
      name: 'RateLimitError',
      message: 'Too many bookings from this address, try again later',
      details: { retryAfterSeconds: expect.any(Number) },
    },
  });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBe(res.body.error.details.retryAfterSeconds);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(INTAKE_WINDOW_SECONDS);
};
