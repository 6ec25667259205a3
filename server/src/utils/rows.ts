import type { Core } from '@strapi/strapi';
import { quoteId } from './dialect';
import { newDocumentId } from './document-id';
import { metadataOf } from './models';

/**
 * Rows of the plugin's own content types written and read with knex directly, in
 * the shape the query engine gives (strapi.db.query): attribute names, values
 * converted the way @strapi/database's fields convert them. Used on the booking
 * path, where the query engine's per-call cost (lifecycles, a SELECT after every
 * INSERT) was most of what recording consent cost. Only the scalar types the
 * plugin's content types use are handled; anything else is a programming error.
 */

interface Attribute {
  type: string;
  columnName?: string;
  default?: unknown;
}

interface Meta {
  tableName: string;
  attributes: Record<string, Attribute>;
  columnToAttribute: Record<string, string>;
}

const STRINGS = new Set(['string', 'text', 'enumeration', 'email', 'uid', 'richtext', 'password']);
const NUMBERS = new Set(['integer', 'float', 'decimal']);

const unsupported = (type: string): never => {
  throw new Error(`consent: attribute type "${type}" is not handled by utils/rows`);
};

const toDate = (value: unknown): Date => {
  const date = value instanceof Date ? value : new Date(value as string | number);
  if (Number.isNaN(date.getTime())) throw new Error(`Invalid date: ${String(value)}`);
  return date;
};

/** What the query engine's field.toDB() does for these types. */
const toDB = (type: string, value: unknown): unknown => {
  if (value === null) return null;
  if (STRINGS.has(type)) return String(value);
  if (NUMBERS.has(type)) {
    const number = typeof value === 'string' ? Number(value.trim()) : value;
    if (typeof number !== 'number' || !Number.isFinite(number))
      throw new Error(`Expected a valid Number, got ${String(value)}`);
    return number;
  }
  switch (type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (['true', 't', '1', 1].includes(value as string | number)) return true;
      if (['false', 'f', '0', 0].includes(value as string | number)) return false;
      return Boolean(value);
    case 'datetime':
    case 'timestamp':
      return toDate(value);
    case 'json':
      return typeof value === 'object' ? JSON.stringify(value) : value;
    case 'increments':
      return value;
    default:
      return unsupported(type);
  }
};

/** What the query engine's field.fromDB() does for these types. */
const fromDB = (type: string, value: unknown): unknown => {
  if (value === null || value === undefined) return null;
  if (STRINGS.has(type)) return String(value);
  if (NUMBERS.has(type)) return Number(value);
  switch (type) {
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const text = String(value);
      return text === '1' ? true : text === '0' ? false : null;
    }
    case 'datetime': {
      const date = value instanceof Date ? value : new Date(value as string | number);
      return Number.isNaN(date.getTime()) ? null : date.toISOString();
    }
    case 'timestamp': {
      const date = value instanceof Date ? value : new Date(value as string | number);
      return Number.isNaN(date.getTime()) ? null : String(date.getTime());
    }
    case 'json':
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    case 'increments':
      return value;
    default:
      return unsupported(type);
  }
};

const metaOf = (strapi: Core.Strapi, uid: string) => metadataOf(strapi, uid) as unknown as Meta;

/**
 * The columns of a new row from attribute data, as processData() in the query
 * engine builds them: scalar attributes only, defaults for the missing ones
 * (document id, publishedAt, booleans), values converted for the database.
 */
export const toColumns = (
  strapi: Core.Strapi,
  uid: string,
  data: Record<string, unknown>
): Record<string, unknown> => {
  const row: Record<string, unknown> = {};
  for (const { name, column, type, fallback } of columnPlan(metaOf(strapi, uid))) {
    let value = data[name];
    if (value === undefined) {
      if (fallback === undefined) continue;
      value = typeof fallback === 'function' ? (fallback as () => unknown)() : fallback;
    }
    row[column] = toDB(type, value);
  }
  return row;
};

interface PlannedColumn {
  name: string;
  column: string;
  type: string;
  fallback: unknown;
}

// The attributes with a column, per model, worked out once: a booking writes several rows
// through toColumns, and walking Object.entries of every attribute each time showed in profiles.
const plans = new WeakMap<Meta, PlannedColumn[]>();

const columnPlan = (meta: Meta): PlannedColumn[] => {
  let plan = plans.get(meta);
  if (!plan) {
    plan = Object.entries(meta.attributes)
      // Relations (createdBy, updatedBy, localizations) have no column: not set here.
      .filter(([, attribute]) => attribute.columnName)
      .map(([name, attribute]) => ({
        name,
        column: attribute.columnName as string,
        type: attribute.type,
        // Strapi's default document id is a cuid2 (a SHA-3 per id: the largest part of toColumns
        // in profiles); ours has the same shape and comes from the CSPRNG.
        fallback:
          name === 'documentId' && typeof attribute.default === 'function'
            ? newDocumentId
            : attribute.default,
      }));
    plans.set(meta, plan);
  }
  return plan;
};

/** Every column of a type's table that maps to an attribute (what RETURNING lists instead of `*`). */
export const columnsOf = (strapi: Core.Strapi, uid: string): string[] =>
  columnPlan(metaOf(strapi, uid)).map((c) => c.column);

const quote = (identifier: string): string => quoteId('postgres', identifier);
const insertTexts = new Map<string, string>();

/**
 * `INSERT INTO table (...) VALUES (...), ... RETURNING <every column>` for PostgreSQL, with
 * `?` placeholders (for knex.raw), from rows made by toColumns. What knex's insert() compiles,
 * without compiling it on every booking: the text depends only on the table, the columns
 * and the number of rows, so it is made once per such shape. A column a row lacks gets
 * DEFAULT, as in knex.
 */
export const insertReturning = (
  strapi: Core.Strapi,
  uid: string,
  rows: Record<string, unknown>[]
): { sql: string; bindings: unknown[] } => {
  const meta = metaOf(strapi, uid);
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const column of Object.keys(row)) {
      if (!seen.has(column)) {
        seen.add(column);
        columns.push(column);
      }
    }
  }
  const bindings: unknown[] = [];
  const values = rows.map((row) =>
    columns
      .map((column) => {
        if (!(column in row) || row[column] === undefined) return 'DEFAULT';
        bindings.push(row[column]);
        return '?';
      })
      .join(', ')
  );
  const key = `${meta.tableName}|${columns.join(',')}|${values.join('|')}`;
  let sql = insertTexts.get(key);
  if (sql === undefined) {
    if (insertTexts.size >= 200) insertTexts.clear();
    sql =
      `insert into ${quote(meta.tableName)} (${columns.map(quote).join(', ')}) values ${values.map((v) => `(${v})`).join(', ')} ` +
      `returning ${columnsOf(strapi, uid).map(quote).join(', ')}`;
    insertTexts.set(key, sql);
  }
  return { sql, bindings };
};

/** A row as the database returns it (RETURNING *), as the query engine would hand it back. */
export const fromColumns = <T>(
  strapi: Core.Strapi,
  uid: string,
  row: Record<string, unknown>
): T => {
  const meta = metaOf(strapi, uid);
  const out: Record<string, unknown> = {};
  for (const column of Object.keys(row)) {
    if (!Object.prototype.hasOwnProperty.call(meta.columnToAttribute, column)) continue;
    const name = meta.columnToAttribute[column];
    const attribute = meta.attributes[name];
    out[name] = attribute.type === 'relation' ? row[column] : fromDB(attribute.type, row[column]);
  }
  return out as T;
};
