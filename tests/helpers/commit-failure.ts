import type { Core } from '@strapi/strapi';
import { testDatabase } from './database';

/**
 * Makes the COMMIT of any transaction that inserts into (PostgreSQL: or updates) `table`
 * fail, while every statement before it succeeds: the failure the plugin has to notice
 * after `trx.commit()` resolved.
 * - PostgreSQL: a DEFERRABLE INITIALLY DEFERRED constraint trigger that raises; it runs at COMMIT.
 * - SQLite: a trigger that inserts a row breaking a DEFERRABLE INITIALLY DEFERRED foreign key,
 *   which SQLite checks at COMMIT.
 * MariaDB checks every constraint at once (no deferred constraints): there is no such fault to make.
 */
export const canRefuseCommit = () => testDatabase() !== 'mysql';

const pgNames = (strapi: Core.Strapi, table: string) => {
  const schema = strapi.db.getSchemaName() ?? 'public';
  return {
    schema,
    fn: `${schema}.test_refuse_commit`,
    trigger: `test_refuse_commit_${table}`,
    table: `${schema}.${table}`,
  };
};

export const refuseCommit = async (strapi: Core.Strapi, table: string): Promise<void> => {
  const knex = strapi.db.connection;
  if (testDatabase() === 'postgres') {
    const n = pgNames(strapi, table);
    await knex.raw(
      `CREATE OR REPLACE FUNCTION ${n.fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'COMMIT refused by the test'; END $$`
    );
    await knex.raw(
      `CREATE CONSTRAINT TRIGGER ${n.trigger} AFTER INSERT OR UPDATE ON ${n.table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${n.fn}()`
    );
    return;
  }
  if (testDatabase() === 'sqlite') {
    await knex.raw('CREATE TABLE IF NOT EXISTS test_commit_guard_parent (id INTEGER PRIMARY KEY)');
    await knex.raw(
      'CREATE TABLE IF NOT EXISTS test_commit_guard (ref INTEGER REFERENCES test_commit_guard_parent(id) DEFERRABLE INITIALLY DEFERRED)'
    );
    await knex.raw(
      `CREATE TRIGGER test_refuse_commit_${table} AFTER INSERT ON ${table} BEGIN INSERT INTO test_commit_guard (ref) VALUES (0); END`
    );
    return;
  }
  throw new Error('MariaDB has no deferred constraints: a COMMIT cannot be made to fail this way');
};

export const allowCommit = async (strapi: Core.Strapi, table: string): Promise<void> => {
  const knex = strapi.db.connection;
  if (testDatabase() === 'postgres') {
    const n = pgNames(strapi, table);
    await knex.raw(`DROP TRIGGER IF EXISTS ${n.trigger} ON ${n.table}`);
    return;
  }
  await knex.raw(`DROP TRIGGER IF EXISTS test_refuse_commit_${table}`);
};

/** The answer to a write whose COMMIT failed: a 503 in Strapi's error shape, with Retry-After. */
export const expectCommitRefused = (res: {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}) => {
  expect({ status: res.status, body: res.body }).toEqual({
    status: 503,
    body: {
      data: null,
      error: {
        status: 503,
        name: 'CommitFailedError',
        message:
          'The database did not commit this write, so nothing of it was stored: send it again',
        details: { committed: false, retryAfterSeconds: 5 },
      },
    },
  });
  expect(res.headers['retry-after']).toBe('5');
};

/**
 * PostgreSQL: the connection of a transaction that inserts into `table` is killed while its
 * COMMIT runs (what a failover or `pg_terminate_backend` under load does). A deferred trigger
 * names the backend and waits at COMMIT; `killDuringCommit` terminates that backend.
 */
export const slowCommit = async (strapi: Core.Strapi, table: string): Promise<string> => {
  const n = pgNames(strapi, table);
  const victim = `commit_victim_${n.schema}`.slice(0, 63);
  await strapi.db.connection.raw(
    `CREATE OR REPLACE FUNCTION ${n.fn}_slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM set_config('application_name', '${victim}', true); PERFORM pg_sleep(5); RETURN NULL; END $$`
  );
  await strapi.db.connection.raw(
    `CREATE CONSTRAINT TRIGGER ${n.trigger} AFTER INSERT ON ${n.table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${n.fn}_slow()`
  );
  return victim;
};

/** Terminates the backend `slowCommit` named, once it is waiting in its COMMIT; false if none showed up in time. */
export const killDuringCommit = async (
  strapi: Core.Strapi,
  victim: string,
  timeoutMs = 5_000
): Promise<boolean> => {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const killed = await strapi.db.connection.raw(
      'SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = ? AND pid <> pg_backend_pid()',
      [victim]
    );
    if ((killed.rows as { killed: boolean }[]).some((row) => row.killed)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
};
