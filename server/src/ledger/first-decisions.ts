/**
 * PostgreSQL: the first decisions of a subject created in the same transaction
 * (a new client booking online) in ONE statement, instead of the summary lock
 * (summary-lock.ts) and then the write (ledger-writer.ts).
 *
 * Nobody else can see a client that is not committed yet, so it has no consent
 * summary, no states and no events: the chain starts at its beginning, and the
 * summary row can be inserted with its final values. What the lock statement
 * would have read is guarded in the same statement instead: the booking's
 * relation row points to this subject, no summary row exists for it, and the
 * purposes are the ones the decisions were resolved against (their version,
 * purposes.versionSql()). When a guard does not hold, the statement writes
 * nothing (every insert reads from the guard) and the caller takes the usual
 * path in the same, still healthy, transaction.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { TABLE, UID } from '../constants';
import { quoteId } from '../utils/dialect';
import { newDocumentId } from '../utils/document-id';
import { getService } from '../utils/get-service';
import { preparedRaw } from '../utils/prepared';
import { columnsOf, toColumns } from '../utils/rows';
import type ledgerWriter from './ledger-writer';
import type { PendingEvent, WriteStep } from './ledger-writer';
import { subjectThroughSql, type SubjectRelation } from './summary-lock';
import type { EventRow } from '../types';

/** Subjects created in each open transaction (the subject's document middleware notes them), by transaction. */
const createdIn = new WeakMap<object, string[]>();

const currentTransaction = async (strapi: Core.Strapi): Promise<object | null> =>
  strapi.db.inTransaction() ? ((await strapi.db.transaction()).get() as object) : null;

/** Called after a subject (client) is created: remembered for the rest of its transaction, forgotten with it. */
export const noteSubjectCreated = async (
  strapi: Core.Strapi,
  documentId: string
): Promise<void> => {
  const trx = await currentTransaction(strapi);
  if (!trx) return;
  const list = createdIn.get(trx);
  if (list) list.push(documentId);
  else createdIn.set(trx, [documentId]);
};

/** The subjects created so far in the current transaction (none outside one). */
export const subjectsCreatedHere = async (strapi: Core.Strapi): Promise<readonly string[]> => {
  const trx = await currentTransaction(strapi);
  return (trx && createdIn.get(trx)) || [];
};

/**
 * The columns' types of a table, as PostgreSQL names them (format_type), read
 * once per database connection and table: a multi-row VALUES list in INSERT ...
 * SELECT is typed on its own, so its first row casts each value to its column's type.
 */
const typesByDb = new WeakMap<object, Map<string, Map<string, string>>>();

const columnTypes = async (
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
 * The events, the states they set and the new summary row in one statement, all
 * reading from the guard. Null when nothing was written: a guard did not hold, or
 * this case is not one the statement covers (a caller's final write, rows of
 * different shapes); the caller then records through the summary lock.
 */
export const writeFirstDecisions = async (
  strapi: Core.Strapi,
  writer: ReturnType<typeof ledgerWriter>,
  step: WriteStep,
  pending: PendingEvent[],
  guard: FirstDecisionsGuard
): Promise<EventRow[] | null> => {
  const { trx, states } = step;
  const changedKeys = writer.applyInOrder(step, pending);
  if (changedKeys === null) return null;
  // The booking's check, if it has one to write, is decided on the locked path: it may
  // refuse the booking, and it must not be written when the guard fails.
  try {
    if (step.finalWrite?.(trx, { purposes: step.purposeRows, states })) return null;
  } catch {
    return null;
  }

  const rows = pending.map(({ params }) => toColumns(strapi, UID.event, params.data));
  const columns = Object.keys(rows[0]);
  if (
    rows.some(
      (row) =>
        Object.keys(row).length !== columns.length || columns.some((c) => row[c] === undefined)
    )
  )
    return null;
  const types = await columnTypes(strapi, trx, TABLE.event);
  if (columns.some((column) => !types.has(column))) return null;

  const now = new Date();
  const bindings: unknown[] = [guard.ownerId, step.subject, step.subject, guard.purposesVersion];
  const withs = [
    `consent_ok AS (SELECT 1 FROM ${subjectThroughSql(guard.relation)} AND s.document_id = ? ` +
      `AND NOT EXISTS (SELECT 1 FROM ${TABLE.subject} WHERE subject = ?) ` +
      `AND ${getService(strapi, 'purposes').versionSql()} = ? LIMIT 1)`,
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
  const stateCte = writer.statesFromEvents(changedKeys);
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
    step.subject,
    writer.fingerprintOf(step.purposeRows, states),
    writer.reasonOf(step.purposeRows, states),
    step.occurredAt,
    step.chain.seq,
    step.chain.head,
    now,
    now,
    now
  );
  const result = (await preparedRaw(
    strapi,
    trx,
    `WITH ${withs.join(', ')} SELECT * FROM consent_ev`,
    bindings as Knex.Value[]
  )) as {
    rows: Record<string, unknown>[];
  };
  if (result.rows.length === 0) return null;
  return writer.afterOneStatement(step, pending, changedKeys, result.rows);
};
