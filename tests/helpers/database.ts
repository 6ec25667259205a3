import fs from 'node:fs';
import path from 'node:path';
import { APP_DIR } from './paths';

export type TestDatabase = 'sqlite' | 'postgres' | 'mysql';

/** Which database the suites run against: TEST_DB=sqlite (default) | postgres | mysql (MariaDB). */
export const testDatabase = (): TestDatabase => {
  const value = (process.env.TEST_DB ?? 'sqlite').toLowerCase();
  if (value === 'mariadb') return 'mysql';
  if (value === 'sqlite' || value === 'postgres' || value === 'mysql') return value;
  throw new Error(`TEST_DB must be sqlite, postgres or mysql (MariaDB), not "${value}"`);
};

const worker = () => process.env.JEST_WORKER_ID ?? '1';

/**
 * Name of this worker's own database (MySQL), schema (PostgreSQL) or file (SQLite).
 * `suffix` names a second one of the same worker (a test that needs two databases at once).
 */
export const databaseName = (suffix = '') =>
  `${process.env.TEST_DB_PREFIX ?? 'consent_test'}_w${worker()}${suffix}`;

/**
 * Drop and recreate this worker's database (or its second one, `suffix`), so every
 * test file boots on an empty one, and return the Strapi environment variables that point at it. `appDir`: the
 * app whose .tmp/ holds the SQLite file (its database config resolves it there).
 */
export const resetDatabase = async (
  appDir: string = APP_DIR,
  suffix = ''
): Promise<Record<string, string>> => {
  const kind = testDatabase();
  const name = databaseName(suffix);

  if (kind === 'sqlite') {
    const file = path.join('.tmp', `${name}.db`);
    for (const suffix of ['', '-wal', '-shm', '-journal'])
      fs.rmSync(path.join(appDir, file + suffix), { force: true });
    return { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: file };
  }

  if (kind === 'postgres') {
    const { Client } = await import('pg');
    const client = new Client({
      host: process.env.PGHOST ?? '127.0.0.1',
      port: Number(process.env.PGPORT ?? 5432),
      user: process.env.PGUSER ?? 'postgres',
      database: process.env.PGDATABASE ?? 'test',
    });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await client.query(`CREATE SCHEMA ${name}`);
    await client.end();
    return {
      DATABASE_CLIENT: 'postgres',
      DATABASE_HOST: process.env.PGHOST ?? '127.0.0.1',
      DATABASE_PORT: process.env.PGPORT ?? '5432',
      DATABASE_USERNAME: process.env.PGUSER ?? 'postgres',
      DATABASE_PASSWORD: process.env.PGPASSWORD ?? '',
      DATABASE_NAME: process.env.PGDATABASE ?? 'test',
      DATABASE_SCHEMA: name,
    };
  }

  const mysql = await import('mysql2/promise');
  const connection = await mysql.createConnection({
    host: process.env.MYSQL_HOST ?? '127.0.0.1',
    port: Number(process.env.MYSQL_PORT ?? 3306),
    user: process.env.MYSQL_USER ?? 'root',
    password: process.env.MYSQL_PASSWORD ?? '',
  });
  await connection.query(`DROP DATABASE IF EXISTS ${name}`);
  await connection.query(
    `CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`
  );
  await connection.end();
  return {
    DATABASE_CLIENT: 'mysql',
    DATABASE_HOST: process.env.MYSQL_HOST ?? '127.0.0.1',
    DATABASE_PORT: process.env.MYSQL_PORT ?? '3306',
    DATABASE_USERNAME: process.env.MYSQL_USER ?? 'root',
    DATABASE_PASSWORD: process.env.MYSQL_PASSWORD ?? '',
    DATABASE_NAME: name,
  };
};
