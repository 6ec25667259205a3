/**
 * PostgreSQL: the first decisions of a subject created in the same transaction
 * (a new client booking online) in ONE statement, instead of the summary lock
 * (queries/summary.ts) and then the write (ledger-writer.ts); its SQL is queries/first-decisions.ts.
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
import { TABLE, UID } from '../constants';
import { getService } from '../utils/get-service';
import { toColumns } from '../utils/rows';
import type ledgerWriter from './ledger-writer';
import type { PendingEvent, WriteStep } from './ledger-writer';
import { columnTypes, insertFirstDecisions, type FirstDecisionsGuard } from './queries';
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

  const written = await insertFirstDecisions(strapi, trx, {
    subject: step.subject,
    guard,
    purposesVersionSql: getService(strapi, 'purposes').versionSql(),
    columns,
    types,
    rows,
    changedKeys,
    summary: {
      requiredFingerprint: writer.fingerprintOf(step.purposeRows, states),
      reason: writer.reasonOf(step.purposeRows, states),
      lastDecisionAt: step.occurredAt,
      chain: step.chain,
    },
  });
  if (written.length === 0) return null;
  return writer.afterOneStatement(step, pending, changedKeys, written);
};
