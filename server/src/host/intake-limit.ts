import type { Core } from '@strapi/strapi';
import { clientKey } from '../middlewares/rate-limit';
import { dialectOf } from '../utils/dialect';
import { getService } from '../utils/get-service';
import { createRedisClient, type RedisClient } from '../utils/redis';
import { databaseCounter, deleteEndedWindows, makeCountersUnlogged, type Counter } from './queries';

export type IntakeVerdict = { limited: false } | { limited: true; retryAfterSeconds: number };

/** Ended windows go in one indexed DELETE, at most once per window per instance, off the request path. */
const purger = (strapi: Core.Strapi, warn: (message: string) => void) => {
  let purgedUpTo = 0;
  return (windowEnd: number, now: number) => {
    if (purgedUpTo >= windowEnd) return;
    purgedUpTo = windowEnd;
    deleteEndedWindows(strapi.db.connection, now).catch((error: Error) =>
      warn(`could not delete ended windows: ${error.message}`)
    );
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
      await makeCountersUnlogged(strapi.db.connection);
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
