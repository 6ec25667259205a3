import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startApp, type TestApp } from '../helpers/app';
import { BOOKING, book, newContact } from '../helpers/booking';
import { auth } from '../helpers/consent';
import { testDatabase } from '../helpers/database';
import {
  INTAKE_MAX,
  INTAKE_WINDOW_SECONDS,
  clockOf,
  expectRefused,
  fillWindow,
  intakeEnv,
  nextWindow,
  writtenCounts,
} from '../helpers/intake';
import { startInstance, type Instance } from '../helpers/instance';

/**
 * The per-address limit of the public booking intake (config intake.rateLimit)
 * with the database counter: the (max+1)th anonymous booking from one address in
 * a window is refused with a 429 in Strapi's error shape before anything is
 * written, and the count is shared by every instance on the database.
 * (The Redis counter: intake-rate-limit-redis.test.ts.)
 */

let app: TestApp;
beforeAll(async () => {
  app = await startApp({ env: intakeEnv() });
});
afterAll(async () => {
  await app?.stop();
});

const counterRows = () => app.strapi.db.connection('consent_intake_counters');
/** PostgreSQL: 'u' for an unlogged table, 'p' for a permanent (logged) one. */
const persistence = async () =>
  (
    (await app.strapi.db.connection.raw(
      'SELECT relpersistence FROM pg_class WHERE oid = to_regclass(?)',
      ['consent_intake_counters']
    )) as {
      rows: { relpersistence: string }[];
    }
  ).rows[0]?.relpersistence;

describe('the database counter', () => {
  beforeEach(() => nextWindow(app));

  it('the booking over the limit is a 429 with Retry-After in Strapi error shape, and writes nothing', async () => {
    await fillWindow(app);
    const before = await writtenCounts(app);
    const refused = await book(app, { contact: newContact() });
    expectRefused(refused);
    // The window began at the clock's time: nearly all of it is left.
    expect(refused.body.error.details.retryAfterSeconds).toBeGreaterThan(
      INTAKE_WINDOW_SECONDS - 60
    );
    // A refused request counts too: the next one is refused as well.
    expectRefused(await book(app, { contact: newContact() }));
    expect(await writtenCounts(app)).toEqual(before);
  });

  it('a new window admits again', async () => {
    await fillWindow(app);
    expectRefused(await book(app, { contact: newContact() }));
    nextWindow(app);
    expect((await book(app, { contact: newContact() })).status).toBe(201);
  });

  it('concurrent first requests of a window: exactly the limit is admitted, every request is counted', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, () => book(app, { contact: newContact() }))
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(INTAKE_MAX).fill(201), ...Array(12 - INTAKE_MAX).fill(429)]);
    const windowEnd =
      (Math.floor(clockOf(app).now().getTime() / (INTAKE_WINDOW_SECONDS * 1000)) + 1) *
      INTAKE_WINDOW_SECONDS *
      1000;
    const row = (await counterRows().where('window_end', windowEnd).first()) as {
      hits: number | string;
    };
    expect(Number(row.hits)).toBe(12);
  });

  // SQLite's upsert draws an id on every request, but its ids are 64-bit: nothing to use up there.
  const serverDb = testDatabase() === 'sqlite' ? it.skip : it;
  serverDb(
    "the requests after a window's first draw no ids: a flood cannot use up the counter table's 32-bit id sequence",
    async () => {
      // A marker row before and after: their ids are as far apart as ids were drawn in between.
      const marker = async () => {
        await counterRows().insert({
          client_hash: randomBytes(32).toString('hex'),
          window_end: 0,
          hits: 0,
        });
        return Number(
          ((await counterRows().max({ id: 'id' }).first()) as { id: number | string }).id
        );
      };
      const first = await marker();
      for (let i = 0; i < INTAKE_MAX + 3; i += 1) await book(app, { contact: newContact() });
      expect((await marker()) - first).toBe(2); // this window's row, and the second marker
      await counterRows().where('window_end', 0).del();
    }
  );

  it('only POSTs to the booking create route count, whatever case or trailing slash the router accepts', async () => {
    await fillWindow(app);
    expectRefused(await book(app, { contact: newContact() }));
    expect((await app.http().get('/api/consent/texts').query({ locale: 'en' })).status).toBe(200);
    expect((await app.http().get('/api/bookings')).status).not.toBe(429);
    expectRefused(
      await app
        .http()
        .post('/API/Bookings/')
        .send({ data: { ...BOOKING, contact: newContact() } })
    );
  });

  it('a request with a valid API token is not counted; a bogus token gets 401 and writes nothing', async () => {
    const created = await app
      .http()
      .post('/admin/api-tokens')
      .set(auth(await app.adminToken()))
      .send({
        name: `booking server ${randomBytes(4).toString('hex')}`,
        type: 'full-access',
        lifespan: null,
      });
    expect(created.status).toBe(201);
    const token: string = created.body.data.accessKey;

    await fillWindow(app);
    expectRefused(await book(app, { contact: newContact() }));
    const trusted = await app
      .http()
      .post('/api/bookings')
      .set('Authorization', `Bearer ${token}`)
      .send({ data: { ...BOOKING, contact: newContact() } });
    expect(trusted.status).toBe(201);

    const before = await writtenCounts(app);
    const bogus = await app
      .http()
      .post('/api/bookings')
      .set('Authorization', 'Bearer not-a-token')
      .send({ data: { ...BOOKING, contact: newContact() } });
    expect(bogus.status).toBe(401);
    expect(await writtenCounts(app)).toEqual(before);
  });

  (testDatabase() === 'postgres' ? it : it.skip)(
    'PostgreSQL: the counter table is unlogged (a count costs no WAL flush); preparing it again changes nothing',
    async () => {
      expect(await persistence()).toBe('u');
      await app.strapi.plugin('consent').service('intake-limit').prepare();
      expect(await persistence()).toBe('u');
      expect((await book(app, { contact: newContact() })).status).toBe(201);
    }
  );

  it('the counter keeps an HMAC of the address, never the address; ended windows are deleted', async () => {
    expect((await book(app, { contact: newContact() })).status).toBe(201);
    const rows = (await counterRows().select('client_hash', 'hits')) as {
      client_hash: string;
      hits: number | string;
    }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.client_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.client_hash).not.toContain('127.0.0.1');
    }
    // The earlier tests' windows have ended; this window's first request deleted them (off the request path).
    const now = clockOf(app).now().getTime();
    let ended = Infinity;
    for (let i = 0; i < 50 && ended > 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      ended = Number(
        (
          (await counterRows().where('window_end', '<=', now).count({ n: '*' }).first()) as {
            n: number | string;
          }
        ).n
      );
    }
    expect(ended).toBe(0);
    // What is left: this window's one row.
    expect(
      ((await counterRows().select('hits')) as { hits: number | string }[]).map((r) =>
        Number(r.hits)
      )
    ).toEqual([1]);
  });
});

/** SQLite is one process's file: a second instance cannot share it. */
const multi = testDatabase() === 'sqlite' ? describe.skip : describe;

multi('two instances on one database (PostgreSQL, MariaDB) share the count', () => {
  let other: Instance | null = null;
  const port = 42500 + Number(process.env.JEST_WORKER_ID ?? 1) * 10;
  const remote = () => request(`http://127.0.0.1:${port}`);
  const bookRemote = () =>
    remote()
      .post('/api/bookings')
      .set('User-Agent', 'BookingPage/2.0 (test)')
      .send({ data: { ...BOOKING, contact: newContact() } });

  beforeAll(async () => {
    other = await startInstance(port, { ...intakeEnv(), LOG_LEVEL: 'error' });
    // The other instance goes by real time: so does this one from here on. A window
    // edge in the middle of a test would split its count, so never start within a minute of one.
    clockOf(app).reset();
    const left = INTAKE_WINDOW_SECONDS * 1000 - (Date.now() % (INTAKE_WINDOW_SECONDS * 1000));
    if (left < 60_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
  });
  afterAll(async () => {
    await other?.stop();
  });

  it(`${INTAKE_MAX} bookings split across both instances; the next one is refused on either`, async () => {
    expect((await book(app, { contact: newContact() })).status).toBe(201);
    expect((await bookRemote()).status).toBe(201);
    expect((await book(app, { contact: newContact() })).status).toBe(201);
    const before = await writtenCounts(app);

    expectRefused(await bookRemote());
    expectRefused(await book(app, { contact: newContact() }));
    expect(await writtenCounts(app)).toEqual(before);
  });

  it('concurrent requests through both instances are each counted exactly once (the increment is atomic)', async () => {
    const total = async () =>
      Number(((await counterRows().sum({ n: 'hits' }).first()) as { n: number | string }).n);
    const before = await total();
    // The previous test filled this address's window: every one is refused, none is lost from the count.
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 ? book(app, { contact: newContact() }) : bookRemote()
      )
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(429));
    expect(await total()).toBe(before + 20);
  });

  if (testDatabase() === 'postgres') {
    it('the booted second instance (schema sync on the same database) left the counter table unlogged', async () => {
      expect(await persistence()).toBe('u');
    });
  }
});
