/**
 * PostgreSQL: the first decisions of a subject created in the same transaction as ONE
 * statement (first-decisions.ts says when), every insert reading from the guard.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { TABLE, UID } from '../../constants';
import { quoteId } from '../../utils/dialect';
import { newDocumentId } from '../../utils/document-id';
import { columnsOf } from '../../utils/rows';
import { subjectThroughSql, type SubjectRelation } from './summary';
import { runEventsStatement, statesFromEvents, type SummaryValues } from './writes';

/**
 * The columns' types of a table, as PostgreSQL names them (format_type), read
 * once per database connection and table: a multi-row VALUES list in INSERT ...
 * SELECT is typed on its own, so its first row casts each value to its column's type.
 */
const typesByDb = new WeakMap<object, Map<string, Map<string, string>>>();

export const columnTypes = async (
  strapi: Core.Strapi,
  trx: Knex.Transaction,
  table: string
): Promise<Map<string, string>> => {
  let tables = typesByDb.get(strapi.db);
  if (!tables) typesByDb.set(strapi.db, (tables = new Map()));
  let types = tables.get(table);
  if (!types) {
    const result = (await trx.raw(
      'SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a ' +
        'WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped',
      [table]
    )) as { rows: { name: string; type: string }[] };
    types = new Map(result.rows.map((row) => [row.name, row.type]));
    tables.set(table, types);
  }
  return types;
};

export interface FirstDecisionsGuard {
  /** The booking -> subject relation and the booking's row id. */
  relation: SubjectRelation;
  ownerId: number;
  /** The purposes' version the decisions were resolved against. */
  purposesVersion: string;
}

const quote = (identifier: string): string => quoteId('postgres', identifier);

/**
 * The events (rows of one shape, `columns`, typed by `types`), the states they set and the
 * new summary row in one statement, all reading from the guard. Returns the events' rows,
 * none when a guard did not hold.
 */
export const insertFirstDecisions = async (
  strapi: Core.Strapi,
  trx: Knex.Transaction,
  {
    subject,
    guard,
    purposesVersionSql,
    columns,
    types,
    rows,
    changedKeys,
    summary,
  }: {
    subject: string;
    guard: FirstDecisionsGuard;
    purposesVersionSql: string;
    columns: string[];
    types: Map<string, string>;
    rows: Record<string, unknown>[];
    changedKeys: string[];
    summary: Omit<SummaryValues, 'id'>;
  }
): Promise<Record<string, unknown>[]> => {
  const now = new Date();
  const bindings: unknown[] = [guard.ownerId, subject, subject, guard.purposesVersion];
  const withs = [
    `consent_ok AS (SELECT 1 FROM ${subjectThroughSql(guard.relation)} AND s.document_id = ? ` +
      `AND NOT EXISTS (SELECT 1 FROM ${TABLE.subject} WHERE subject = ?) ` +
      `AND ${purposesVersionSql} = ? LIMIT 1)`,
  ];
  const values = rows.map(
    (row, i) =>
      `(${columns
        .map((column) => {
          bindings.push(row[column]);
          return i === 0 ? `CAST(? AS ${types.get(column)})` : '?';
        })
        .join(', ')})`
  );
  withs.push(
    `consent_ev AS (INSERT INTO ${TABLE.event} (${columns.map(quote).join(', ')}) ` +
      `SELECT * FROM (VALUES ${values.join(', ')}) AS v WHERE EXISTS (SELECT 1 FROM consent_ok) ` +
      `RETURNING ${columnsOf(strapi, UID.event).map(quote).join(', ')})`
  );
  const stateCte = statesFromEvents(changedKeys);
  if (stateCte) {
    withs.push(stateCte.sql);
    bindings.push(...stateCte.bindings);
  }
  // A unique violation here (another transaction wrote this subject's summary meanwhile)
  // rolls everything back: it cannot happen for a subject nobody else can see yet.
  withs.push(
    `consent_sm AS (INSERT INTO ${TABLE.subject} (document_id, subject, required_fingerprint, reason, last_event_id, ` +
      `last_decision_at, chain_seq, chain_head, created_at, updated_at, published_at) ` +
      `SELECT ?, ?, ?, ?, max(id), ?, ?, ?, ?, ?, ? FROM consent_ev HAVING count(*) > 0)`
  );
  bindings.push(
    newDocumentId(),
    subject,
    summary.requiredFingerprint,
    summary.reason,
    summary.lastDecisionAt,
    summary.chain.seq,
    summary.chain.head,
    now,
    now,
    now
  );
  return runEventsStatement(strapi, trx, withs, bindings);
};
