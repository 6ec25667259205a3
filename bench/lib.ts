/**
 * Shared plumbing of the benchmark: PostgreSQL connection, the bench's own
 * schema (never the test schemas consent_test_w*), booting the real demo app.
 */
import { startApp, type StartOptions, type TestApp } from '../tests/helpers/app';

/** The little of pg's Client the bench uses (@types/pg is not installed). */
export interface Db {
  connect(): Promise<void>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query<R = any>(
    sql: string,
    params?: unknown[]
  ): Promise<{ rows: R[]; rowCount: number | null; command: string }>;
  end(): Promise<void>;
}
const { Client } = require('pg') as { Client: new (config: typeof PG) => Db };

export const PG = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? 'postgres',
  password: process.env.PGPASSWORD ?? '',
  database: process.env.PGDATABASE ?? 'test',
};

/** consent_bench_10k, consent_bench_1m, consent_bench_250k, ... */
export const schemaFor = (clients: number): string => {
  const label =
    clients % 1_000_000 === 0
      ? `${clients / 1_000_000}m`
      : clients % 1000 === 0
        ? `${clients / 1000}k`
        : String(clients);
  return `consent_bench_${label}`;
};

const assertBenchSchema = (schema: string) => {
  if (!/^consent_bench_[a-z0-9_]+$/.test(schema)) {
    throw new Error(
      `refusing to touch schema "${schema}": bench schemas are named consent_bench_*`
    );
  }
};

/** A plain pg client whose search_path is the bench schema. */
export const connect = async (schema: string): Promise<Db> => {
  assertBenchSchema(schema);
  const client = new Client(PG);
  await client.connect();
  await client.query(`SET search_path TO ${schema}`);
  return client;
};

export const resetSchema = async (schema: string): Promise<void> => {
  assertBenchSchema(schema);
  const client = new Client(PG);
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await client.end();
  }
};

/**
 * VACUUM (ANALYZE) every table of a bench schema: what PostgreSQL's autovacuum does
 * in production. Benchmarks call it between rounds, for every variant alike, when
 * the server runs with autovacuum off (as these machines' PostgreSQL does), so dead
 * rows do not pile up and plans do not go stale as tables grow during the run.
 */
export const vacuumSchema = async (schema: string): Promise<number> => {
  assertBenchSchema(schema);
  return vacuumTablesIn(schema);
};

/**
 * VACUUM (ANALYZE) PostgreSQL's own catalogs (pg_class, pg_attribute, ...): with
 * autovacuum off, every schema the test suites and the benches create and drop
 * leaves dead catalog rows behind (after one CI run on these machines: 114,000 in
 * pg_attribute). The booking bench calls it once before measuring, as autovacuum
 * would have kept them.
 */
export const vacuumCatalog = (): Promise<number> => vacuumTablesIn('pg_catalog');

/** VACUUM (ANALYZE) every table of one schema; the time it took, in ms. */
const vacuumTablesIn = async (schema: string): Promise<number> => {
  const client = new Client(PG);
  await client.connect();
  const started = process.hrtime.bigint();
  try {
    const { rows } = await client.query<{ tablename: string }>(
      'SELECT tablename FROM pg_tables WHERE schemaname = $1',
      [schema]
    );
    for (const { tablename } of rows)
      await client.query(`VACUUM (ANALYZE) ${schema}."${tablename.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  return ms(started);
};

/** Whether the PostgreSQL server runs autovacuum. */
export const autovacuumOn = async (): Promise<boolean> => {
  const client = new Client(PG);
  await client.connect();
  try {
    const { rows } = await client.query<{ autovacuum: string }>('SHOW autovacuum');
    return rows[0]?.autovacuum === 'on';
  } finally {
    await client.end();
  }
};

export const dropSchema = async (schema: string): Promise<void> => {
  assertBenchSchema(schema);
  const client = new Client(PG);
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
};

/**
 * Boot the demo app in this process on the bench schema, exactly as the
 * integration tests do (tests/helpers/app.ts), in production mode. On an empty
 * schema Strapi creates the tables and the demo bootstrap seeds 4 purposes,
 * their texts (storage ends at 2.1) and 50 clients with their consents.
 */
export const bootApp = async (
  schema: string,
  options: Pick<StartOptions, 'register'> = {}
): Promise<TestApp> => {
  assertBenchSchema(schema);
  return startApp({
    ...options,
    keepDatabase: true, // the schema is reset by resetSchema(), never by the test helper
    env: {
      NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production',
      DATABASE_CLIENT: 'postgres',
      DATABASE_HOST: PG.host,
      DATABASE_PORT: String(PG.port),
      DATABASE_USERNAME: PG.user,
      DATABASE_PASSWORD: PG.password,
      DATABASE_NAME: PG.database,
      DATABASE_SCHEMA: schema,
    },
  });
};

export const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

export const quantile = (values: number[], q: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
};

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** The value after `--name` on the command line. */
export const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

/** Whether `--name` is on the command line. */
export const flag = (name: string): boolean => process.argv.includes(`--${name}`);

/** A number for the console: `-` when it is not finite. */
export const fmt = (value: number, digits = 1): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '-';

/** Deterministic pseudo-random numbers in [0, 1) from a seed: the same sequence on every run. */
export const mulberry32 = (seedValue: number) => (): number => {
  let t = (seedValue += 0x6d2b79f5);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/**
 * A 95 % bootstrap interval of the median of `values` (resampled with replacement
 * 2,000 times, a fixed seed): how uncertain this machine's noise leaves a median of
 * per-round or per-segment ratios. Null with fewer than 4 values.
 */
export const medianInterval = (values: number[]): [number, number] | null => {
  if (values.length < 4) return null;
  const rand = mulberry32(20261204);
  const medians = Array.from({ length: 2000 }, () =>
    quantile(
      Array.from(values, () => values[Math.floor(rand() * values.length)]),
      0.5
    )
  );
  return [round(quantile(medians, 0.025), 3), round(quantile(medians, 0.975), 3)];
};
