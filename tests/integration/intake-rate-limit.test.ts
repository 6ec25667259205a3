import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startApp, type TestApp } from '../helpers/app';
import { book, newContact } from '../helpers/booking';
import { auth } from '../helpers/consent';
import { testDatabase } from '../helpers/database';
import { startInstance, type Instance } from '../helpers/instance';
import { createRedisClient } from '../../server/src/utils/redis';

/**
 * The per-address limit of the public booking intake (config intake.rateLimit):
 * the (max+1)th anonymous booking from one address in a window is refused with a
 * 429 in Strapi's error shape before anything is written; the count is shared by
 * every instance on the database, or kept in Redis.
 */

const MAX = 3;
const WINDOW_SECONDS = 600;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const limitEnv = (extra: Record<string, string> = {}) => ({
  CONSENT_WORKER: 'false',
  CONSENT_INTAKE_RATE_MAX: String(MAX),
  CONSENT_INTAKE_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS),
  ...extra,
});

const counts = async (app: TestApp) => ({
  bookings: await app.strapi.db.query('api::booking.booking').count({}),
  clients: await app.strapi.db.query('api::client.client').count({}),
});

/** The clock moves to the start of the next window: every test starts with a fresh count. */
const nextWindow = (app: TestApp) => {
  const clock = app.strapi.plugin('consent').service('clock') as { now(): Date; set(at: Date): void };
  const windowMs = WINDOW_SECONDS * 1000;
  clock.set(new Date((Math.floor(clock.now().getTime() / windowMs) + 1) * windowMs));
};

/** Book MAX times (all admitted), then once more: the refused answer. */
const fillWindow = async (app: TestApp) => {
  for (let i = 0; i < MAX; i += 1) expect((await book(app, { contact: newContact() })).status).toBe(201);
};

const expectRefused = (res: request.Response) => {
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
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
};

describe('the database counter (one instance)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ env: limitEnv() });
  });
  afterAll(async () => {
    await app?.stop();
  });
  beforeEach(() => nextWindow(app));

  it('the booking over the limit is a 429 with Retry-After in Strapi error shape, and writes nothing', async () => {
    await fillWindow(app);
    const before = await counts(app);
    const refused = await book(app, { contact: newContact() });
    expectRefused(refused);
    // A refused request is counted too: the next one is refused as well.
    expectRefused(await book(app, { contact: newContact() }));
    expect(await counts(app)).toEqual(before);
    // The window started at the clock's time: about a whole window is left.
    expect(refused.body.error.details.retryAfterSeconds).toBeGreaterThan(WINDOW_SECONDS - 60);
  });

  it('a new window admits again', async () => {
    await fillWindow(app);
    expectRefused(await book(app, { contact: newContact() }));
    nextWindow(app);
    expect((await book(app, { contact: newContact() })).status).toBe(201);
  });

  it('only anonymous POSTs to the booking create route count; other routes are not limited', async () => {
    await fillWindow(app);
    expectRefused(await book(app, { contact: newContact() }));
    expect((await app.http().get('/api/consent/texts').query({ locale: 'en' })).status).toBe(200);
    // The router matches paths case-insensitively and with a trailing slash: so does the limit.
    const variant = await app.http().post('/API/Bookings/').send({ data: { startsAt: '2026-12-15T10:00:00.000Z', service: 'Cut' } });
    expect(variant.status).toBe(429);
  });

  it('a request with a valid API token is not counted; a bogus token gets 401 and writes nothing', async () => {
    const admin = await app.adminToken();
    const created = await app
      .http()
      .post('/admin/api-tokens')
      .set(auth(admin))
      .send({ name: `booking server ${randomBytes(4).toString('hex')}`, type: 'full-access', lifespan: null });
    expect(created.status).toBe(201);
    const token: string = created.body.data.accessKey;

    await fillWindow(app);
    expectRefused(await book(app, { contact: newContact() }));
    const trusted = await app
      .http()
      .post('/api/bookings')
      .set('Authorization', `Bearer ${token}`)
      .send({ data: { startsAt: '2026-12-15T10:00:00.000Z', service: 'Cut', contact: newContact() } });
    expect(trusted.status).toBe(201);

    const before = await counts(app);
    const bogus = await app
      .http()
      .post('/api/bookings')
      .set('Authorization', 'Bearer not-a-token')
      .send({ data: { startsAt: '2026-12-15T10:00:00.000Z', service: 'Cut', contact: newContact() } });
    expect(bogus.status).toBe(401);
    expect(await counts(app)).toEqual(before);
  });

  it('the counter keeps an HMAC of the address, never the address, and ended windows are deleted', async () => {
    await book(app, { contact: newContact() });
    const rows = (await app.strapi.db.connection('consent_intake_counters').select('client_hash', 'window_end', 'hits')) as {
      client_hash: string;
      window_end: number | string;
    }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.client_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.client_hash).not.toContain('127.0.0.1');
    }
    // The previous tests' windows have ended: the first request of this window deleted them.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = (app.strapi.plugin('consent').service('clock') as { now(): Date }).now().getTime();
    const ended = (await app.strapi.db.connection('consent_intake_counters').where('window_end', '<=', now).count({ n: '*' }).first()) as { n: number | string };
    expect(Number(ended.n)).toBe(0);
  });
});

/** SQLite is one process's file: a second instance cannot share it. */
const multi = testDatabase() === 'sqlite' ? describe.skip : describe;

multi('the database counter is shared by two instances on one database (PostgreSQL, MariaDB)', () => {
  let app: TestApp;
  let other: Instance | null = null;
  const port = 42500 + Number(process.env.JEST_WORKER_ID ?? 1) * 10;
  // A day-long window: both instances go by real time here, and a window edge in the middle would split the count.
  const env = limitEnv({ CONSENT_INTAKE_RATE_WINDOW_SECONDS: '86400' });

  beforeAll(async () => {
    app = await startApp({ env });
    other = await startInstance(port, { ...env, LOG_LEVEL: 'error' });
    const left = 86_400_000 - (Date.now() % 86_400_000);
    if (left < 30_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
  });
  afterAll(async () => {
    await other?.stop();
    await app?.stop();
  });

  /** The same checks as expectRefused, with the real window (a day). */
  const expectRefusedLocal = (res: request.Response) => {
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ status: 429, name: 'RateLimitError' });
    expect(Number(res.headers['retry-after'])).toBe(res.body.error.details.retryAfterSeconds);
  };

  it('MAX bookings split across both instances; the next one is refused on either', async () => {
    const remote = () => request(`http://127.0.0.1:${port}`);
    const bookRemote = () =>
      remote()
        .post('/api/bookings')
        .send({ data: { startsAt: '2026-12-15T10:00:00.000Z', service: 'Cut', contact: newContact() } });

    expect((await book(app, { contact: newContact() })).status).toBe(201);
    expect((await bookRemote()).status).toBe(201);
    expect((await book(app, { contact: newContact() })).status).toBe(201);
    const before = await counts(app);

    const refusedRemote = await bookRemote();
    expect(refusedRemote.status).toBe(429);
    expect(Number(refusedRemote.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refusedRemote.body.error.name).toBe('RateLimitError');
    expectRefusedLocal(await book(app, { contact: newContact() }));
    expect(await counts(app)).toEqual(before);
  });

  it('concurrent requests through both instances are each counted exactly once (the increment is atomic)', async () => {
    // The previous test filled this address's window: every one of these is refused, and none is lost.
    const rows = async () =>
      Number(((await app.strapi.db.connection('consent_intake_counters').sum({ n: 'hits' }).first()) as { n: number | string }).n);
    const before = await rows();
    const remote = request(`http://127.0.0.1:${port}`);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 ? book(app, { contact: newContact() }) : remote.post('/api/bookings').send({ data: { startsAt: '2026-12-15T10:00:00.000Z', service: 'Cut' } })
      )
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(429));
    expect(await rows()).toBe(before + 10);
  });
});

describe('the Redis counter (127.0.0.1:6379)', () => {
  let app: TestApp;
  const prefix = `consent-test:${process.env.TEST_DB_PREFIX ?? 'consent_test'}:${randomBytes(6).toString('hex')}:`;
  const redis = createRedisClient({ url: REDIS_URL, timeoutMs: 2000 });

  beforeAll(async () => {
    app = await startApp({ env: limitEnv({ CONSENT_INTAKE_RATE_STORE: 'redis', CONSENT_INTAKE_REDIS_URL: REDIS_URL, CONSENT_INTAKE_REDIS_PREFIX: prefix }) });
  });
  afterAll(async () => {
    await app?.stop();
    const keys = (await redis.command(['KEYS', `${prefix}*`])) as string[];
    if (keys.length) await redis.command(['DEL', ...keys]);
    redis.close();
  });
  beforeEach(() => nextWindow(app));

  it('the booking over the limit is refused; the count lives in Redis, with an expiry, not in the database', async () => {
    await fillWindow(app);
    const before = await counts(app);
    expectRefused(await book(app, { contact: newContact() }));
    expect(await counts(app)).toEqual(before);

    const keys = (await redis.command(['KEYS', `${prefix}*`])) as string[];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^${prefix}[0-9a-f]{64}:\\d+$`));
    expect(await redis.command(['GET', keys[0]])).toBe(String(MAX + 1));
    const ttl = (await redis.command(['PTTL', keys[0]])) as number;
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WINDOW_SECONDS * 1000 + 1000);
    const rows = (await app.strapi.db.connection('consent_intake_counters').count({ n: '*' }).first()) as { n: number | string };
    expect(Number(rows.n)).toBe(0);
  });

  it('a new window admits again (a new key)', async () => {
    await fillWindow(app);
    expectRefused(await book(app, { contact: newContact() }));
    nextWindow(app);
    expect((await book(app, { contact: newContact() })).status).toBe(201);
  });
});

describe('Redis unreachable: fail-open', () => {
  let app: TestApp;
  beforeAll(async () => {
    // Port 1 refuses at once on this machine.
    app = await startApp({ env: limitEnv({ CONSENT_INTAKE_RATE_STORE: 'redis', CONSENT_INTAKE_REDIS_URL: 'redis://127.0.0.1:1' }) });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('bookings go through past the limit and a warning is logged once', async () => {
    const warnings: string[] = [];
    const warn = jest.spyOn(app.strapi.log, 'warn').mockImplementation(((message: string) => {
      warnings.push(message);
    }) as never);
    try {
      for (let i = 0; i < MAX + 2; i += 1) expect((await book(app, { contact: newContact() })).status).toBe(201);
    } finally {
      warn.mockRestore();
    }
    const ours = warnings.filter((w) => w.includes('booking intake rate limit'));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toContain('letting the request through');
  });
});
