/**
 * The ledger's writes as SQL: the events, the states they change and the subject's summary,
 * as separate statements (every database) or as data-modifying WITH queries of one
 * PostgreSQL statement. ledger-writer.ts decides what changes; these only say how it is written.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { TABLE, UID } from '../../constants';
import { eventColumnOfState, STATE_COLUMNS, STATE_DECISION_COLUMNS } from '../../utils/columns';
import { newDocumentId } from '../../utils/document-id';
import { preparedRaw } from '../../utils/prepared';
import { insertReturning } from '../../utils/rows';
import type { StateRow } from '../../types';

/** A part of a statement: SQL with `?` placeholders, and its bindings. */
export interface SqlPart {
  sql: string;
  bindings: unknown[];
}

/** What a subject's summary takes from a write (its lock row, `id`). */
export interface SummaryValues {
  id: number;
  requiredFingerprint: string | null;
  reason: string;
  /** The last decision of someone's (a request's expiry is no one's: it leaves this as it was). */
  lastDecisionAt: Date | null;
  chain: { seq: number; head: string };
}

/** The state columns an existing row takes from a new event (not its id, document id or created_at). */
const MERGED_STATE_COLUMNS = [...STATE_DECISION_COLUMNS, 'updated_at'];

/** A state row's values, by attribute name (what ledger-writer's stateData() makes). */
export type StateValues = Omit<StateRow, 'id' | 'decidedAt'> & { decidedAt: string | Date };

/** The events inserted with RETURNING * (PostgreSQL, SQLite), rows made by utils/rows toColumns(). */
export const insertEvents = async (
  trx: Knex.Transaction,
  rows: Record<string, unknown>[]
): Promise<Record<string, unknown>[]> =>
  (await trx(TABLE.event).insert(rows).returning('*')) as Record<string, unknown>[];

/**
 * The changed states as one statement: an upsert on (subject, purpose_key). The summary
 * lock is held, so no other writer touches this subject's states meanwhile; an existing
 * row keeps its id, document id and created_at.
 */
export const upsertStates = (
  trx: Knex.Transaction,
  changed: StateValues[]
): Knex.QueryBuilder | null => {
  if (changed.length === 0) return null;
  const now = new Date();
  const rows = changed.map((d) => ({
    document_id: newDocumentId(),
    subject: d.subject,
    purpose_key: d.purposeKey,
    decision: d.decision,
    explicit: d.explicit,
    text_id: d.textId,
    text_version: d.textVersion,
    text_major: d.textMajor,
    text_hash: d.textHash,
    text_locale: d.textLocale,
    channel: d.channel,
    event_id: d.eventId,
    decided_at: new Date(d.decidedAt),
    created_at: now,
    updated_at: now,
    published_at: now,
  }));
  return trx(TABLE.state)
    .insert(rows)
    .onConflict(['subject', 'purpose_key'])
    .merge(MERGED_STATE_COLUMNS);
};

/** The summary's update after a write (the ids of the events written: last_event_id). */
export const updateSummary = (
  trx: Knex.Transaction,
  values: SummaryValues,
  lastEventId: number
): Knex.QueryBuilder =>
  trx(TABLE.subject).where('id', values.id).update({
    required_fingerprint: values.requiredFingerprint,
    reason: values.reason,
    last_event_id: lastEventId,
    last_decision_at: values.lastDecisionAt,
    chain_seq: values.chain.seq,
    chain_head: values.chain.head,
    updated_at: new Date(),
  });

/**
 * The WITH query that writes the changed states from the events inserted by `consent_ev`
 * (one decision per purpose: joined on purpose key), as an upsert on (subject, purpose_key).
 * Null when no state changes.
 */
export const statesFromEvents = (changedKeys: string[]): SqlPart | null => {
  if (changedKeys.length === 0) return null;
  return {
    sql:
      `consent_st AS (INSERT INTO ${TABLE.state} (document_id, ${STATE_COLUMNS.join(', ')}, created_at, updated_at, published_at) ` +
      `SELECT n.document_id, ${STATE_COLUMNS.map((c) => `e.${eventColumnOfState(c)}`).join(', ')}, e.created_at, e.created_at, e.created_at ` +
      `FROM consent_ev e JOIN (VALUES ${changedKeys.map(() => '(?, ?)').join(', ')}) AS n (purpose_key, document_id) ` +
      `ON n.purpose_key = e.purpose_key ` +
      `ON CONFLICT (subject, purpose_key) DO UPDATE SET ${MERGED_STATE_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')})`,
    bindings: changedKeys.flatMap((key) => [key, newDocumentId()]),
  };
};

/**
 * PostgreSQL: a write as ONE statement of data-modifying WITH queries: the events
 * (`consent_ev`, RETURNING every column), the states copied from them, the summary (its
 * last_event_id takes the new ids in SQL) and a caller's final write. Returns the events' rows.
 */
export const writeInOneStatement = async (
  strapi: Core.Strapi,
  trx: Knex.Transaction,
  {
    eventRows,
    changedKeys,
    summary,
    extra,
  }: {
    eventRows: Record<string, unknown>[];
    changedKeys: string[];
    summary: SummaryValues;
    extra: Knex.QueryBuilder | null;
  }
): Promise<Record<string, unknown>[]> => {
  const insert = insertReturning(strapi, UID.event, eventRows);
  const withs = [`consent_ev AS (${insert.sql})`];
  const bindings: unknown[] = [...insert.bindings];
  const stateCte = statesFromEvents(changedKeys);
  if (stateCte) {
    withs.push(stateCte.sql);
    bindings.push(...stateCte.bindings);
  }
  withs.push(
    `consent_sm AS (UPDATE ${TABLE.subject} SET required_fingerprint = ?, reason = ?, ` +
      `last_event_id = GREATEST(COALESCE(last_event_id, 0), (SELECT max(id) FROM consent_ev)), ` +
      `last_decision_at = ?, chain_seq = ?, chain_head = ?, updated_at = ? WHERE id = ?)`
  );
  bindings.push(
    summary.requiredFingerprint,
    summary.reason,
    summary.lastDecisionAt,
    summary.chain.seq,
    summary.chain.head,
    new Date(),
    summary.id
  );
  if (extra) {
    const sql = extra.toSQL();
    withs.push(`consent_fw AS (${sql.sql})`);
    bindings.push(...sql.bindings);
  }
  return runEventsStatement(strapi, trx, withs, bindings);
};

/** `WITH <withs> SELECT * FROM consent_ev`, prepared: the inserted events' rows. */
export const runEventsStatement = async (
  strapi: Core.Strapi,
  trx: Knex.Transaction,
  withs: string[],
  bindings: unknown[]
): Promise<Record<string, unknown>[]> => {
  const result = (await preparedRaw(
    strapi,
    trx,
    `WITH ${withs.join(', ')} SELECT * FROM consent_ev`,
    bindings as Knex.Value[]
  )) as { rows: Record<string, unknown>[] };
  return result.rows;
};
