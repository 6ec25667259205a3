import type { Core } from '@strapi/strapi';

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
    if (typeof number !== 'number' || !Number.isFinite(number)) throw new Error(`Expected a valid Number, got ${String(value)}`);
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

const metaOf = (strapi: Core.Strapi, uid: string) => strapi.db.metadata.get(uid as never) as unknown as Meta;

/**
 * The columns of a new row from attribute data, as processData() in the query
 * engine builds them: scalar attributes only, defaults for the missing ones
 * (document id, publishedAt, booleans), values converted for the database.
 */
export const toColumns = (strapi: Core.Strapi, uid: string, data: Record<string, unknown>): Record<string, unknown> => {
  const meta = metaOf(strapi, uid);
  const row: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(meta.attributes)) {
    if (!attribute.columnName) continue; // relations (createdBy, updatedBy, localizations): not set here
    let value = data[name];
    if (value === undefined) {
      if (attribute.default === undefined) continue;
      value = typeof attribute.default === 'function' ? (attribute.default as () => unknown)() : attribute.default;
    }
    row[attribute.columnName] = toDB(attribute.type, value);
  }
  return row;
};

/** Every column of a type's table that maps to an attribute (what RETURNING lists instead of `*`). */
export const columnsOf = (strapi: Core.Strapi, uid: string): string[] =>
  Object.values(metaOf(strapi, uid).attributes)
    .map((attribute) => attribute.columnName)
    .filter((column): column is string => Boolean(column));

/** A row as the database returns it (RETURNING *), as the query engine would hand it back. */
export const fromColumns = <T>(strapi: Core.Strapi, uid: string, row: Record<string, unknown>): T => {
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
