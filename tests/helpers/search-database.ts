import type { Core } from '@strapi/strapi';
import { databaseName, testDatabase } from './database';

export interface Hit {
  table: string;
  column: string;
  count: number;
}

/** Every text-like column of every table of this test's database (SQLite file, PostgreSQL schema, MariaDB database). */
const textColumns = async (strapi: Core.Strapi): Promise<{ table: string; column: string }[]> => {
  const knex = strapi.db.connection;
  const kind = testDatabase();
  if (kind === 'sqlite') {
    const tables = (await knex.raw(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
    )) as { name: string }[];
    const out: { table: string; column: string }[] = [];
    for (const { name } of tables) {
      // SQLite stores any value in any column: every column is searched, as text.
      const columns = (await knex.raw(`PRAGMA table_info("${name}")`)) as { name: string }[];
      for (const c of columns) out.push({ table: name, column: c.name });
    }
    return out;
  }
  if (kind === 'postgres') {
    const result = (await knex.raw(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = ? AND data_type IN ('character varying', 'text', 'character', 'json', 'jsonb')`,
      [databaseName()]
    )) as { rows: { table_name: string; column_name: string }[] };
    return result.rows.map((r) => ({ table: r.table_name, column: r.column_name }));
  }
  const [rows] = (await knex.raw(
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns
     WHERE table_schema = DATABASE() AND data_type IN ('varchar', 'char', 'text', 'tinytext', 'mediumtext', 'longtext', 'json')`
  )) as [{ t: string; c: string }[]];
  return rows.map((r) => ({ table: r.t, column: r.c }));
};

/** Where a value occurs (case-insensitive substring) in any text column of any table: nothing excluded. */
export const searchDatabase = async (strapi: Core.Strapi, needle: string): Promise<Hit[]> => {
  const knex = strapi.db.connection;
  const kind = testDatabase();
  const hits: Hit[] = [];
  const pattern = `%${needle.toLowerCase()}%`;
  for (const { table, column } of await textColumns(strapi)) {
    const expr =
      kind === 'postgres'
        ? `lower(CAST("${column}" AS text))`
        : kind === 'mysql'
          ? `lower(CAST(\`${column}\` AS CHAR))`
          : `lower(CAST("${column}" AS TEXT))`;
    const from: ReturnType<typeof knex> =
      kind === 'postgres' ? knex.withSchema(databaseName()).from(table) : knex(table);
    const row = (await from.count({ n: '*' }).whereRaw(`${expr} LIKE ?`, [pattern]).first()) as {
      n: number | string;
    };
    if (Number(row.n) > 0) hits.push({ table, column, count: Number(row.n) });
  }
  return hits;
};
