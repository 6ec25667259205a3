import { createHash } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { getService } from './get-service';
import { dialectOf } from './dialect';

/**
 * A raw statement that PostgreSQL parses and plans once per connection: a named
 * prepared statement (node-postgres keeps it per connection; knex passes the name
 * through `.options()`). The booking path's two statements are long WITH queries
 * whose parsing and planning cost PostgreSQL more than their execution
 * (bench/HISTORY.md, bookings: prepared statements), and the intake
 * limit's count, one statement on every public booking.
 *
 * The name is derived from the SQL text, so one name always means one text (node-
 * postgres refuses a name reused with another text), and the statements that use
 * it list their result columns (no `*`): a column another instance adds to a table
 * later cannot change a prepared statement's result type.
 *
 * Off with `database.preparedStatements: false`, for a pooler in transaction mode
 * that does not keep prepared statements across transactions.
 */
export const preparedRaw = (
  strapi: Core.Strapi,
  db: Knex | Knex.Transaction,
  sql: string,
  bindings: readonly Knex.Value[]
): Knex.Raw => {
  const raw = db.raw(sql, bindings as Knex.Value[]);
  if (
    dialectOf(strapi) !== 'postgres' ||
    !getService(strapi, 'config').get().database.preparedStatements
  )
    return raw;
  return raw.options({ name: statementName(sql) });
};

// A booking's statements have a handful of texts (one per number of decisions and
// changed states): each text's name is hashed once, not once per booking.
const names = new Map<string, string>();

const statementName = (sql: string): string => {
  let name = names.get(sql);
  if (name === undefined) {
    // Bounded: texts are few, but an unbounded map keyed by SQL must never grow with traffic.
    if (names.size >= 500) names.clear();
    name = `consent_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    names.set(sql, name);
  }
  return name;
};
