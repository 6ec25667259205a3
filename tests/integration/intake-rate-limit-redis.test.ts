import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { startApp, type TestApp } from '../helpers/app';
import { book, newContact } from '../helpers/booking';
import {
  INTAKE_MAX,
  INTAKE_WINDOW_SECONDS,
  expectRefused,
  fillWindow,
  intakeEnv,
  nextWindow,
  writtenCounts,
} from '../helpers/intake';
import { createRedisClient } from '../../server/src/utils/redis';

/**
 * The intake rate limit with `store: 'redis'`, against the real Redis on
 * 127.0.0.1:6379 (TEST_REDIS_URL) under a key prefix of this run's own. Strapi
 * reaches it through a TCP relay in this file, so a test can take "Redis" down
 * and bring it back: the limit fails open meanwhile.
 */

const REDIS = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
const PREFIX = `consent-test:${process.env.TEST_DB_PREFIX ?? 'consent_test'}:${randomBytes(6).toString('hex')}:`;

/** A TCP relay to Redis that can refuse and cut connections (an outage) and recover. */
const startRelay = async () => {
  let up = true;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!up) return client.destroy();
    const upstream = net.connect({ host: REDIS.hostname, port: Number(REDIS.port || 6379) });
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ]) {
      open.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        open.delete(a);
        b.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    down() {
      up = false;
      for (const socket of open) socket.destroy();
    },
    up() {
      up = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

let app: TestApp;
let relay: Awaited<ReturnType<typeof startRelay>>;
const redis = createRedisClient({ url: REDIS.href, timeoutMs: 2000 });
const ourKeys = async () => (await redis.command(['KEYS', `${PREFIX}*`])) as string[];

beforeAll(async () => {
  relay = await startRelay();
  app = await startApp({
    env: intakeEnv({
      CONSENT_INTAKE_RATE_STORE: 'redis',
      CONSENT_INTAKE_REDIS_URL: relay.url,
      CONSENT_INTAKE_REDIS_PREFIX: PREFIX,
    }),
  });
});
afterAll(async () => {
  await app?.stop();
  await relay?.close();
  const keys = await ourKeys();
  if (keys.length) await redis.command(['DEL', ...keys]);
  redis.close();
});
beforeEach(() => nextWindow(app));

describe('the Redis counter', () => {
  it('the booking over the limit is refused; the count lives in Redis with an expiry, not in the database', async () => {
    await fillWindow(app);
    const before = await writtenCounts(app);
    expectRefused(await book(app, { contact: newContact() }));
    expect(await writtenCounts(app)).toEqual(before);

    const keys = await ourKeys();
    expect(keys).toHaveLength(1);
    // The address only as an HMAC; the window's end in the key.
    expect(keys[0]).toMatch(new RegExp(`^${PREFIX}[0-9a-f]{64}:\\d+$`));
    expect(await redis.command(['GET', keys[0]])).toBe(String(INTAKE_MAX + 1));
    const ttl = (await redis.command(['PTTL', keys[0]])) as number;
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(INTAKE_WINDOW_SECONDS * 1000 + 1000);
    const rows = (await app.strapi.db
      .connection('consent_intake_counters')
      .count({ n: '*' })
      .first()) as { n: number | string };
    expect(Number(rows.n)).toBe(0);
  });

  it('a new window admits again (a new key)', async () => {
    await fillWindow(app);
    expectRefused(await book(app, { contact: newContact() }));
    nextWindow(app);
    expect((await book(app, { contact: newContact() })).status).toBe(201);
    expect(await ourKeys()).toHaveLength(3); // the two windows of this test and the first test's
  });

  it('Redis down: bookings go through past the limit with one warning (fail-open); back up: the limit holds again', async () => {
    await fillWindow(app);
    expectRefused(await book(app, { contact: newContact() }));

    const warnings: string[] = [];
    const warn = jest.spyOn(app.strapi.log, 'warn').mockImplementation(((message: string) => {
      warnings.push(message);
    }) as never);
    try {
      relay.down();
      for (let i = 0; i < 3; i += 1)
        expect((await book(app, { contact: newContact() })).status).toBe(201);
    } finally {
      warn.mockRestore();
    }
    const ours = warnings.filter((w) => w.includes('booking intake rate limit'));
    expect(ours).toHaveLength(1); // at most one a minute: an outage does not flood the log
    expect(ours[0]).toContain('letting the request through');

    relay.up();
    expectRefused(await book(app, { contact: newContact() }));
  });
});
