import path from 'node:path';

/**
 * The usual Strapi variables: DATABASE_CLIENT (sqlite | postgres | mysql),
 * DATABASE_FILENAME, DATABASE_HOST, DATABASE_PORT, DATABASE_NAME,
 * DATABASE_USERNAME, DATABASE_PASSWORD, DATABASE_SCHEMA, DATABASE_SSL.
 */
/**
 * DATABASE_SQLITE_SYNCHRONOUS (OFF | NORMAL | FULL | EXTRA): SQLite's `PRAGMA synchronous` on
 * every connection; unset, SQLite's default (FULL: an fsync per commit). The tests set OFF: a
 * throwaway database needs no durability against a power cut, and fsyncs were the largest part
 * of a test boot (docs/testing.md). Transactions, locking and constraints are the same.
 */
const sqliteSynchronous = (value: string | undefined) => {
  if (!value) return {};
  const mode = value.toUpperCase();
  if (!['OFF', 'NORMAL', 'FULL', 'EXTRA'].includes(mode))
    throw new Error(
      `DATABASE_SQLITE_SYNCHRONOUS must be OFF, NORMAL, FULL or EXTRA, not "${value}"`
    );
  return {
    pool: {
      // Strapi runs its own per-connection setup (foreign keys on) first, then this.
      afterCreate: (
        connection: { pragma: (sql: string) => unknown },
        done: (error: Error | null, connection: unknown) => void
      ) => {
        connection.pragma(`synchronous = ${mode}`);
        done(null, connection);
      },
    },
  };
};

export default ({ env }) => {
  const client = env('DATABASE_CLIENT', 'sqlite');
  const pool = { min: env.int('DATABASE_POOL_MIN', 0), max: env.int('DATABASE_POOL_MAX', 10) };

  const connections = {
    sqlite: {
      connection: {
        filename: path.resolve(__dirname, '..', '..', env('DATABASE_FILENAME', '.tmp/data.db')),
      },
      useNullAsDefault: true,
      ...sqliteSynchronous(env('DATABASE_SQLITE_SYNCHRONOUS')),
    },
    postgres: {
      connection: {
        connectionString: env('DATABASE_URL'),
        host: env('DATABASE_HOST', '127.0.0.1'),
        port: env.int('DATABASE_PORT', 5432),
        database: env('DATABASE_NAME', 'strapi'),
        user: env('DATABASE_USERNAME', 'postgres'),
        password: env('DATABASE_PASSWORD', ''),
        ssl: env.bool('DATABASE_SSL', false) && {
          rejectUnauthorized: env.bool('DATABASE_SSL_REJECT_UNAUTHORIZED', true),
        },
        schema: env('DATABASE_SCHEMA', 'public'),
        // Names this instance's sessions in pg_stat_activity (the fault tests terminate exactly these).
        application_name: env('DATABASE_APPLICATION_NAME'),
      },
      pool,
    },
    mysql: {
      connection: {
        host: env('DATABASE_HOST', '127.0.0.1'),
        port: env.int('DATABASE_PORT', 3306),
        database: env('DATABASE_NAME', 'strapi'),
        user: env('DATABASE_USERNAME', 'root'),
        password: env('DATABASE_PASSWORD', ''),
        ssl: env.bool('DATABASE_SSL', false) && {
          rejectUnauthorized: env.bool('DATABASE_SSL_REJECT_UNAUTHORIZED', true),
        },
      },
      pool,
    },
  };

  return {
    connection: {
      client,
      ...connections[client],
      acquireConnectionTimeout: env.int('DATABASE_CONNECTION_TIMEOUT', 60000),
    },
  };
};
