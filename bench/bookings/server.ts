/**
 * The servers of the booking bench: the demo app in a child process of its
 * own per variant, serving HTTP in production mode on a schema of its own; on
 * request it reports its CPU time, counts its SQL statements and socket writes
 * to PostgreSQL, or takes a CPU profile. And the parent's handle on one.
 *
 * Run as the child's main module (`--server <variant>`) by startServer().
 */
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { startChild } from '../child';
import { arg, bootApp, PG } from '../lib';
import { startProfile, type CpuProfile } from '../profile';
import { registerBaselineIntake } from './baseline';

/**
 * - `baseline`: the app without the plugin; its booking intake is bench/bookings/baseline.ts;
 * - `new`: the plugin's intake, every booking by a new client (created from `contact`);
 * - `existing`: the plugin's intake, every booking by a client who booked before (an
 *   anonymous page naming an existing client: decisions held, a confirmation queued).
 */
export type Variant = 'baseline' | 'new' | 'existing';
export const VARIANTS: Variant[] = ['baseline', 'new', 'existing'];
/** The variants measured against the baseline. */
export const PLUGIN_VARIANTS = ['new', 'existing'] as const;
export type PluginVariant = (typeof PLUGIN_VARIANTS)[number];
export const LABEL: Record<Variant, string> = {
  baseline: 'baseline',
  new: 'new client',
  existing: 'existing client',
};
export const SCHEMA: Record<Variant, string> = {
  baseline: 'consent_bench_booking_baseline',
  new: 'consent_bench_booking_new',
  existing: 'consent_bench_booking_existing',
};

export interface QueryCount {
  bookings: number;
  total: number;
  /** Socket writes (each one a system call) and bytes sent to PostgreSQL. */
  socketWrites: { db: number; dbBytes: number };
  statements: { sql: string; count: number }[];
}

const normalise = (sql: string) => sql.replace(/\s+/g, ' ').replace(/\$\d+/g, '?').slice(0, 140);

/** The child: one Strapi serving HTTP. */
const runServer = async (variant: Variant) => {
  process.env.CONSENT_ENABLED = variant === 'baseline' ? 'false' : 'true';
  // The bench measures the booking, not the mail: queued confirmations stay queued
  // (their sending is what bench/campaign.ts measures); nothing else is queued.
  process.env.CONSENT_WORKER = 'false';
  const app = await bootApp(
    SCHEMA[variant],
    variant === 'baseline' ? { register: registerBaselineIntake } : {}
  );
  const { strapi } = app;
  const server = strapi.server.httpServer;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  let counting = false;
  const writes = { db: 0, dbBytes: 0 };
  const socket = net.Socket.prototype as unknown as Record<
    string,
    (this: net.Socket, ...args: unknown[]) => unknown
  >;
  for (const method of ['_write', '_writev']) {
    const original = socket[method];
    socket[method] = function countWrite(this: net.Socket, ...args: unknown[]) {
      if (counting && this.remotePort === PG.port) {
        const data = args[0] as Buffer | { chunk: Buffer }[];
        writes.db += 1;
        writes.dbBytes += Array.isArray(data)
          ? data.reduce((n, c) => n + (c.chunk?.length ?? 0), 0)
          : (data?.length ?? 0);
      }
      return original.apply(this, args);
    };
  }
  const counted = new Map<string, number>();
  const listener = (q: { sql: string }) =>
    counted.set(normalise(q.sql), (counted.get(normalise(q.sql)) ?? 0) + 1);
  const knexClient = strapi.db.connection.client;

  let stopProfile: ((file: string) => Promise<CpuProfile>) | null = null;

  process.on('message', async (message: { cmd: string; bookings?: number; file?: string }) => {
    if (message.cmd === 'cpu') {
      const usage = process.cpuUsage();
      process.send?.({ type: 'cpu', result: usage.user + usage.system });
    } else if (message.cmd === 'count-start') {
      counted.clear();
      writes.db = writes.dbBytes = 0;
      counting = true;
      knexClient.on('query', listener);
      process.send?.({ type: 'counting' });
    } else if (message.cmd === 'count-stop') {
      knexClient.off('query', listener);
      counting = false;
      const statements = [...counted]
        .map(([sql, count]) => ({ sql, count }))
        .sort((a, b) => b.count - a.count);
      const result: QueryCount = {
        bookings: message.bookings ?? 0,
        total: statements.reduce((sum, q) => sum + q.count, 0),
        socketWrites: { ...writes },
        statements,
      };
      process.send?.({ type: 'counted', result });
    } else if (message.cmd === 'profile-start') {
      stopProfile = await startProfile();
      process.send?.({ type: 'profiling' });
    } else if (message.cmd === 'profile-stop') {
      await stopProfile?.(message.file as string);
      stopProfile = null;
      process.send?.({ type: 'profiled', result: message.file });
    } else if (message.cmd === 'stop') {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await app.stop();
      process.exit(0);
    }
  });
  process.send?.({ type: 'ready', port, plugin: Boolean(strapi.plugins.consent) });
};

export interface Server {
  variant: Variant;
  child: ChildProcess;
  port: number;
  request: <T>(cmd: Record<string, unknown>, reply: string) => Promise<T>;
  stop: () => Promise<void>;
}

/** The parent's side: boot one variant in its child process. */
export const startServer = async (variant: Variant): Promise<Server> => {
  const server = await startChild<{ type: string; port: number; plugin: boolean }>(
    `the ${variant} server`,
    __filename,
    ['--server', variant],
    {
      env: {
        ...process.env,
        STRAPI_TELEMETRY_DISABLED: 'true',
        NODE_NO_WARNINGS: '1',
        BENCH_NODE_ENV: 'production',
      },
    }
  );
  if (server.ready.plugin !== (variant !== 'baseline'))
    throw new Error(`the ${variant} server has plugin=${server.ready.plugin}`);
  return {
    variant,
    child: server.child,
    port: server.ready.port,
    request: server.request,
    stop: () => server.stop(15000),
  };
};

/** CPU time (user + system) of the server process so far, in ms. */
export const cpuOf = async (server: Server): Promise<number> =>
  (await server.request<number>({ cmd: 'cpu' }, 'cpu')) / 1000;

if (require.main === module) {
  runServer(arg('server') as Variant).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
