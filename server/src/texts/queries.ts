/**
 * The texts module's SQL: the purposes' version (a scalar subquery other statements embed),
 * the purposes read with it, the purpose lock of a publication, a publication's preview counts.
 */
import type { Knex } from 'knex';
import { TABLE } from '../constants';
import { quoteId, stringAggSql, supportsRowLocks, type Dialect } from '../utils/dialect';

type Db = Knex | Knex.Transaction;

/**
 * A scalar subquery whose value changes whenever any purpose row changes. PostgreSQL: md5 of
 * every row's text (all columns). MySQL/MariaDB and SQLite: every column but timestamps,
 * concatenated; free text (name, description) is length-prefixed, so the string is
 * unambiguous. NULL (no re-use) when it cannot be computed exactly.
 */
export const purposesVersionSql = (dialect: Dialect): string => {
  if (dialect === 'postgres')
    return `(SELECT md5(string_agg(p::text, '|' ORDER BY p.id)) FROM ${TABLE.purpose} p)`;
  const text = (expr: string) =>
    `COALESCE(CAST(${expr} AS ${dialect === 'mysql' ? 'CHAR' : 'TEXT'}), '~')`;
  const flag = (column: string) => `CASE WHEN p.${column} THEN '1' ELSE '0' END`;
  const length = (column: string) =>
    text(`${dialect === 'mysql' ? 'CHAR_LENGTH' : 'length'}(p.${column})`);
  const parts = [
    text('p.id'),
    text(`p.${quoteId(dialect, 'key')}`),
    text('p.legal_basis'),
    flag('special_category'),
    flag('marketing'),
    flag('double_opt_in'),
    flag('required'),
    flag('active'),
    text('p.position'),
    text('p.current_major'),
    text('p.current_minor'),
    text('p.current_text_id'),
    length('name'),
    text('p.name'),
    length('description'),
    text('p.description'),
    text('p.special_category_kind'),
    text(
      `${dialect === 'mysql' ? 'CHAR_LENGTH' : 'length'}(CAST(p.translations AS ${dialect === 'mysql' ? 'CHAR' : 'TEXT'}))`
    ),
    text('p.translations'),
  ];
  if (dialect === 'mysql') {
    // GROUP_CONCAT stops at group_concat_max_len: a cut string could equal another
    // content's, so a cut version is NULL (never equal to anything: no re-use).
    const row = `CONCAT_WS(':', ${parts.join(', ')})`;
    return (
      `(SELECT CASE WHEN CHAR_LENGTH(v.g) = v.n THEN v.g END FROM (SELECT ${stringAggSql(dialect, row, 'p.id', '|')} AS g, ` +
      `SUM(CHAR_LENGTH(${row})) + COUNT(*) - 1 AS n FROM ${TABLE.purpose} p) v)`
    );
  }
  return `(SELECT ${stringAggSql(dialect, parts.join(` || ':' || `), 'p.id', '|')} FROM ${TABLE.purpose} p)`;
};

/** Every purpose row in list order, each with the purposes' version (`versionSql`) as `column`. */
export const purposesWithVersion = async (
  trx: Db,
  versionSql: string,
  column: string
): Promise<Record<string, unknown>[]> =>
  (await trx
    .select('p.*', trx.raw(`${versionSql} AS ${column}`))
    .from({ p: TABLE.purpose })
    .orderBy([
      { column: 'p.position', order: 'asc' },
      { column: 'p.id', order: 'asc' },
    ])) as Record<string, unknown>[];

/** Lock the purpose row (where the database has row locks); undefined when there is none. */
export const lockPurpose = async (
  trx: Knex.Transaction,
  dialect: Dialect,
  key: string
): Promise<{ id: number } | undefined> => {
  const lock = trx(TABLE.purpose).where('key', key).first('id');
  return (await (supportsRowLocks(dialect) ? lock.forUpdate() : lock)) as
    | { id: number }
    | undefined;
};

/** The host's client table as the preview counts it. */
export interface HostRows {
  table: string;
  draftAndPublish: boolean;
}

const countHostRows = async (
  db: Knex,
  host: HostRows,
  narrow: (q: Knex.QueryBuilder) => Knex.QueryBuilder
): Promise<number> => {
  const q = db({ c: host.table });
  if (host.draftAndPublish) q.whereNull('c.published_at');
  const row = (await narrow(q).count({ n: '*' }).first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
};

/** Clients whose consent to the purpose is given to its major `major`. */
export const countGivenToMajor = (
  db: Knex,
  host: HostRows,
  purposeKey: string,
  major: number | null
): Promise<number> =>
  countHostRows(db, host, (q) =>
    q
      .join({ st: TABLE.state }, 'st.subject', 'c.document_id')
      .where('st.purpose_key', purposeKey)
      .where('st.decision', 'given')
      .where('st.text_major', major)
  );

/** Clients whose summary has this required fingerprint (valid consent). */
export const countWithFingerprint = (
  db: Knex,
  host: HostRows,
  fingerprint: string
): Promise<number> =>
  countHostRows(db, host, (q) =>
    q
      .join({ s: TABLE.subject }, 's.subject', 'c.document_id')
      .where('s.required_fingerprint', fingerprint)
  );
