import type { Core } from '@strapi/strapi';
import { TABLE } from '../constants';
import { clientKey } from '../middlewares/rate-limit';
import { dialectOf } from '../utils/dialect';
import { getService } from '../utils/get-service';
import { preparedRaw } from '../utils/prepared';
import { createRedisClient, type RedisClient } from '../utils/redis';

export type IntakeVerdict = { limited: false } | { limited: true; retryAfterSeconds: number };

/** Counts one request of a client in the window ending at `windowEnd` (ms) and returns the count so far. */
type Counter = (clientHash: string, windowEnd: number, now: number) => Promise<number>;

const T = TABLE.intakeCounter;

/**
 * The database counter: one row per (client, window), incremented atomically in
 * the database, so every instance on it shares the count. The row is updated
 * first and inserted only when missing: an INSERT that meets an existing row
 * still draws an id from the table's 32-bit sequence (PostgreSQL serial, InnoDB
 * auto-increment), which a flood would otherwise use up.
 */
const databaseCounter = (strapi: Core.Strapi): Counter => {
  const knex = strapi.db.connection;
  switch (dialectOf(strapi)) {
    case 'postgres':
      // One statement: the UPDATE sees the row, or the INSERT makes it; two first
      // requests at once meet in ON CONFLICT, which waits for the other and adds one.
      return async (clientHash, windowEnd) => {
        const result = (await preparedRaw(
          strapi,
          knex,
          `WITH updated AS (UPDATE ${T} SET hits = hits + 1 WHERE client_hash = ? AND window_end = ? RETURNING hits), ` +
            `inserted AS (INSERT INTO ${T} (client_hash, window_end, hits) SELECT ?, ?, 1 WHERE NOT EXISTS (SELECT 1 FROM updated) ` +
            `ON CONFLICT (client_hash, window_end) DO UPDATE SET hits = ${T}.hits + 1 RETURNING hits) ` +
            `SELECT hits FROM updated UNION ALL SELECT hits FROM inserted`,
          [clientHash, windowEnd, clientHash, windowEnd]
        )) as { rows: { hits: number | string }[] };
        return Number(result.rows[0].hits);
      };
    case 'mysql':
      // No RETURNING: LAST_INSERT_ID(expr) hands the new count back in the statement's
      // own result (insertId), per connection, so there is no separate read to race.
      return async (clientHash, windowEnd) => {
        const [updated] = (await knex.raw(
          `UPDATE ${T} SET hits = LAST_INSERT_ID(hits + 1) WHERE client_hash = ? AND window_end = ?`,
          [clientHash, windowEnd]
        )) as [{ affectedRows: number; insertId: number }];
        if (updated.affectedRows === 1) return Number(updated.insertId);
        const [upserted] = (await knex.raw(
          `INSERT INTO ${T} (client_hash, window_end, hits) VALUES (?, ?, 1) ON DUPLICATE KEY UPDATE hits = LAST_INSERT_ID(hits + 1)`,
          [clientHash, windowEnd]
        )) as [{ affectedRows: number; insertId: number }];
        // affectedRows is 1 for an insert, 2 for an update (another instance inserted first).
        return upserted.affectedRows === 1 ? 1 : Number(upserted.insertId);
      };
    default:
      // SQLite serialises writers and its 64-bit ids do not run out (its upsert draws one every time): a plain upsert.
      return async (clientHash, windowEnd) => {
        const rows = (await knex.raw(
          `INSERT INTO ${T} (client_hash, window_end, hits) VALUES (?, ?, 1) ` +
            `ON CONFLICT (client_hash, window_end) DO UPDATE SET hits = ${T}.hits + 1 RETURNING hits`,
          [clientHash, windowEnd]
        )) as { hits: number }[];
        return Number(rows[0].hits);
      };
  }
};

/** Ended windows go in one indexed DELETE, at most once per window per instance, off the request path. */
const purger = (strapi: Core.Strapi, warn: (message: string) => void) => {
  let purgedUpTo = 0;
  return (windowEnd: number, now: number) => {
    if (purgedUpTo >= windowEnd) return;
    purgedUpTo = windowEnd;
    strapi.db
      .connection(T)
      .where('window_end', '<=', now)
      .del()
      .catch((error: Error) => warn(`could not delete ended windows: ${error.message}`));
  };
};

/**
 * The Redis counter: INCR and, on the first request of the window, PEXPIRE in
 * one script (atomic, one round trip). The key expires a second after the window
 * so clocks of instances a little apart still find it.
 */
const INCR_SCRIPT = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n`;

const redisCounter = (client: RedisClient, keyPrefix: string): Counter => {
  return async (clientHash, windowEnd, now) => {
    const reply = await client.command([
      'EVAL',
      INCR_SCRIPT,
      1,
      `${keyPrefix}${clientHash}:${windowEnd}`,
      windowEnd - now + 1000,
    ]);
    if (typeof reply !== 'number') throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
    return reply;
  };
};

/**
 * The per-address limit of the public booking intake (config `intake.rateLimit`),
 * shared across instances. The address (IPv6: its /64) is kept only as an HMAC
 * under the server's proof secret: a counter row is not a record of who booked.
 * Fail-open: when the store cannot be reached the booking is let through and a
 * warning logged (at most once a minute), so a Redis outage does not stop bookings.
 */
const intakeLimit = ({ strapi }: { strapi: Core.Strapi }) => {
  let counter: Counter | null = null;
  let redis: RedisClient | null = null;
  let lastWarning = 0;
  const warn = (message: string) => {
    if (Date.now() - lastWarning < 60_000) return;
    lastWarning = Date.now();
    strapi.log.warn(`[consent] booking intake rate limit: ${message}`);
  };
  const purge = purger(strapi, warn);

  const settings = () => getService(strapi, 'config').get().intake.rateLimit;

  const store = (): Counter => {
    if (counter) return counter;
    const { store: kind, redis: options } = settings();
    if (kind === 'redis') {
      redis = createRedisClient({ url: options.url, timeoutMs: options.timeoutMs });
      counter = redisCounter(redis, options.keyPrefix);
    } else {
      counter = databaseCounter(strapi);
    }
    return counter;
  };

  return {
    /**
     * PostgreSQL: the counter table is made UNLOGGED, once. Every booking from an
     * address updates its one row in a transaction of its own, and a logged table
     * makes each of those commits wait for a WAL flush while holding the row: the
     * bookings of one busy address queue behind the disk (about ten times slower
     * than unlogged with 10 at once; docs/security.md). What an unlogged table gives
     * up, counts after a database crash and on a standby, is what a rate limit can
     * lose: they start again from zero.
     */
    async prepare(): Promise<void> {
      const { enabled, store: kind } = settings();
      if (!enabled || kind !== 'database' || dialectOf(strapi) !== 'postgres') return;
      const knex = strapi.db.connection;
      const result = (await knex.raw(
        'SELECT relpersistence FROM pg_class WHERE oid = to_regclass(?)',
        [T]
      )) as {
        rows: { relpersistence: string }[];
      };
      if (result.rows[0]?.relpersistence === 'p') await knex.raw(`ALTER TABLE ${T} SET UNLOGGED`);
    },

    /** Counts one intake request from `ip` and says whether it is over the limit. */
    async hit(ip: string): Promise<IntakeVerdict> {
      const { windowSeconds, max, store: kind } = settings();
      const now = getService(strapi, 'clock').now().getTime();
      const windowMs = windowSeconds * 1000;
      const windowEnd = (Math.floor(now / windowMs) + 1) * windowMs;
      let count: number;
      try {
        const clientHash = await getService(strapi, 'keys').digest(
          'intake-rate-limit',
          clientKey(ip)
        );
        count = await store()(clientHash, windowEnd, now);
      } catch (error) {
        warn(`the ${kind} store failed (${(error as Error).message}); letting the request through`);
        return { limited: false };
      }
      if (kind === 'database') purge(windowEnd, now);
      if (count <= max) return { limited: false };
      return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)) };
    },

    /** Closes the Redis connection (destroy). */
    close(): void {
      redis?.close();
      redis = null;
      counter = null;
    },
  };
};

export type IntakeLimitService = ReturnType<typeof intakeLimit>;
export default intakeLimit;
