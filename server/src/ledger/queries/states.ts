/**
 * The state projection's set-based SQL: the fingerprint and reason updates, the rebuild of a
 * batch of subjects from the event log, and the keyset page of clients by validity.
 */
import type { Knex } from 'knex';
import { TABLE } from '../../constants';
import { requiredPurposes } from '../../domain/state-machine';
import { eventColumnOfState, STATE_COLUMNS } from '../../utils/columns';
import {
  concatSql,
  quoteId,
  randomDocumentIdSql,
  stringAggSql,
  supportsRowLocks,
  type Dialect,
} from '../../utils/dialect';
import type { PurposeRow } from '../../types';

/** One page of host clients with (or without) valid consent, keyset paginated on the host table's id. */
export const pageSubjects = async (
  knex: Knex,
  {
    hostTable,
    draftAndPublish,
    fingerprint,
    valid,
    after,
    limit,
  }: {
    hostTable: string;
    draftAndPublish: boolean;
    fingerprint: string;
    valid: boolean;
    after: number;
    limit: number;
  }
): Promise<{ id: number; documentId: string }[]> => {
  const query = knex({ c: hostTable })
    .select('c.id', 'c.document_id as documentId')
    .where('c.id', '>', after)
    .orderBy('c.id', 'asc')
    .limit(limit);
  // With draft & publish every document has exactly one draft row: count each client once.
  if (draftAndPublish) query.whereNull('c.published_at');
  if (valid) {
    query
      .join({ s: TABLE.subject }, 's.subject', 'c.document_id')
      .where('s.required_fingerprint', fingerprint);
  } else {
    query
      .leftJoin({ s: TABLE.subject }, 's.subject', 'c.document_id')
      .where((w) =>
        w.whereNull('s.required_fingerprint').orWhere('s.required_fingerprint', '<>', fingerprint)
      );
  }
  // Erased clients are in neither page: they are no one's to ask or count.
  query.whereNull('s.erased_at');
  return (await query) as { id: number; documentId: string }[];
};

/**
 * Rebuild the states and summaries of a few subjects (sorted) from their events, in the
 * caller's transaction: missing summaries first, the summaries' locks in subject order,
 * then the states, the summaries' last event and their fingerprint and reason.
 */
export const rebuildSubjects = async (
  trx: Knex.Transaction,
  dialect: Dialect,
  purposes: PurposeRow[],
  subjects: readonly string[],
  now: Date
): Promise<void> => {
  const list = subjects.map(() => '?').join(', ');
  const inBatch = (column: string) => ({
    where: `${column} IN (${list})`,
    bindings: [...subjects],
  });
  // A summary row that was lost gets its chain head back from the events (the proof's
  // verify compares the two), so the next event continues the same chain.
  const [insert, conflict] =
    dialect === 'mysql'
      ? // Not INSERT IGNORE: its shared lock on a row created meanwhile would have to be
        // upgraded below, which deadlocks with a writer queued for that row (see queries/summary.ts).
        ['INSERT INTO', ` ON DUPLICATE KEY UPDATE subject = ${TABLE.subject}.subject`]
      : dialect === 'sqlite'
        ? ['INSERT OR IGNORE INTO', '']
        : ['INSERT INTO', ' ON CONFLICT (subject) DO NOTHING'];
  await trx.raw(
    `${insert} ${TABLE.subject} (document_id, subject, chain_seq, chain_head, created_at, updated_at, published_at)
       SELECT ${randomDocumentIdSql(dialect)}, x.subject, x.chain_seq,
              (SELECT h.hash FROM ${TABLE.event} h WHERE h.subject = x.subject AND h.chain_seq = x.chain_seq ORDER BY h.id DESC LIMIT 1),
              ?, ?, ?
       FROM (SELECT e.subject, MAX(e.chain_seq) AS chain_seq FROM ${TABLE.event} e
             WHERE e.subject IN (${list})
               AND NOT EXISTS (SELECT 1 FROM ${TABLE.subject} s WHERE s.subject = e.subject)
             GROUP BY e.subject) x
       ORDER BY x.subject${conflict}`,
    [now, now, now, ...subjects]
  );
  // The ledger's lock, in subject order (SQLite has one writer at a time: nothing to take).
  if (supportsRowLocks(dialect)) {
    await trx(TABLE.subject)
      .select('id')
      .whereIn('subject', [...subjects])
      .orderBy('subject', 'asc')
      .forUpdate();
  }
  await trx(TABLE.state)
    .whereIn('subject', [...subjects])
    .del();
  await trx.raw(
    `INSERT INTO ${TABLE.state}
         (document_id, ${STATE_COLUMNS.join(', ')}, created_at, updated_at, published_at)
       SELECT ${randomDocumentIdSql(dialect)}, ${STATE_COLUMNS.map((c) => `r.${eventColumnOfState(c)}`).join(', ')}, ?, ?, ?
       FROM (
         SELECT e.*, ROW_NUMBER() OVER (
           PARTITION BY e.subject, e.purpose_key
           ORDER BY CASE WHEN e.decision = 'expired' THEN 0 ELSE 1 END DESC, e.occurred_at DESC, e.id DESC
         ) AS rn
         FROM ${TABLE.event} e
         WHERE e.subject IN (${list})
       ) r
       WHERE r.rn = 1`,
    [now, now, now, ...subjects]
  );
  await trx.raw(
    `UPDATE ${TABLE.subject} SET
         last_event_id = (SELECT MAX(e.id) FROM ${TABLE.event} e WHERE e.subject = ${TABLE.subject}.subject),
         last_decision_at = (SELECT MAX(e.occurred_at) FROM ${TABLE.event} e WHERE e.subject = ${TABLE.subject}.subject AND e.decision <> 'expired')
       WHERE subject IN (${list})`,
    subjects
  );
  await updateFingerprints(trx, dialect, purposes, inBatch('subject'));
  await updateReasons(trx, purposes, inBatch('subject'));
  await syncErasedSummaries(trx, dialect, subjects, now);
};

/**
 * The summaries' erased_at as the erasure records say (consent_erasures): a summary row for
 * every erased subject (created when missing), stamped with its erasure's time. For the
 * subjects given, or for all (the one-off migration of summaries written before the column).
 * Set-based: two statements.
 */
export const syncErasedSummaries = async (
  trx: Knex | Knex.Transaction,
  dialect: Dialect,
  subjects: readonly string[] | null,
  now: Date
): Promise<void> => {
  const list = subjects ? subjects.map(() => '?').join(', ') : '';
  if (subjects && subjects.length === 0) return;
  const only = (column: string) => (subjects ? ` AND ${column} IN (${list})` : '');
  const bindings = subjects ? [...subjects] : [];
  const conflict =
    dialect === 'mysql'
      ? ` ON DUPLICATE KEY UPDATE subject = ${TABLE.subject}.subject`
      : dialect === 'sqlite'
        ? ''
        : ' ON CONFLICT (subject) DO NOTHING';
  await trx.raw(
    `${dialect === 'sqlite' ? 'INSERT OR IGNORE INTO' : 'INSERT INTO'} ${TABLE.subject} (document_id, subject, created_at, updated_at, published_at)
       SELECT ${randomDocumentIdSql(dialect)}, x.subject, ?, ?, ?
       FROM (SELECT e.subject FROM ${TABLE.erasure} e
             WHERE NOT EXISTS (SELECT 1 FROM ${TABLE.subject} s WHERE s.subject = e.subject)${only('e.subject')}
             GROUP BY e.subject) x
       ORDER BY x.subject${conflict}`,
    [now, now, now, ...bindings]
  );
  await trx.raw(
    `UPDATE ${TABLE.subject} SET erased_at = (
         SELECT MIN(e.erased_at) FROM ${TABLE.erasure} e WHERE e.subject = ${TABLE.subject}.subject)
       WHERE subject IN (SELECT e.subject FROM ${TABLE.erasure} e)${only('subject')}`,
    bindings
  );
};

/**
 * The next `limit` subjects after `after` that have events, a summary, states or an erasure,
 * in order: one indexed range read per table (each capped at `limit`), so a
 * rebuild reads each table once in all, not once per batch.
 */
export const nextSubjects = async (knex: Knex, after: string, limit: number): Promise<string[]> => {
  const part = (table: string, alias: string) =>
    `SELECT subject FROM (SELECT t.subject FROM ${table} t WHERE t.subject > ? GROUP BY t.subject ORDER BY t.subject LIMIT ?) ${alias}`;
  const result = (await knex.raw(
    `SELECT u.subject FROM (${part(TABLE.event, 'a')} UNION ${part(TABLE.subject, 'b')} UNION ${part(TABLE.state, 'c')} UNION ${part(TABLE.erasure, 'd')}) u
     ORDER BY u.subject LIMIT ?`,
    [after, limit, after, limit, after, limit, after, limit, limit]
  )) as unknown;
  return rawRows<{ subject: string }>(result).map((row) => row.subject);
};

/** The rows of a knex.raw() SELECT, whatever the driver's result shape (pg: { rows }, mysql2: [rows, fields], sqlite: rows). */
const rawRows = <T>(result: unknown): T[] => {
  if (Array.isArray(result)) return (Array.isArray(result[0]) ? result[0] : result) as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
};

/** A restriction of an UPDATE of the summaries: a WHERE condition and its bindings. */
interface SummaryFilter {
  where: string;
  bindings: unknown[];
}

/** UPDATE of the summaries' required fingerprint from their states (all rows, or those `filter` picks). */
export const updateFingerprints = async (
  trx: Knex.Transaction,
  dialect: Dialect,
  purposes: PurposeRow[],
  filter: SummaryFilter | null = null
): Promise<void> => {
  const { sql, bindings } = fingerprintUpdate(dialect, purposes, filter);
  await trx.raw(sql, bindings);
};

/** UPDATE of the summaries' reason (see domain subjectReason) from their states (all rows, or those `filter` picks). */
export const updateReasons = async (
  trx: Knex.Transaction,
  purposes: PurposeRow[],
  filter: SummaryFilter | null
): Promise<void> => {
  const { sql, bindings } = reasonUpdate(purposes, filter);
  await trx.raw(sql, bindings);
};

const fingerprintUpdate = (
  dialect: Dialect,
  purposes: PurposeRow[],
  filter: SummaryFilter | null = null
) => {
  const required = requiredPurposes(purposes);
  const where = filter ? ` WHERE ${filter.where}` : '';
  const filterBindings = filter?.bindings ?? [];
  if (required.length === 0) {
    return {
      sql: `UPDATE ${TABLE.subject} SET required_fingerprint = NULL${where}`,
      bindings: filterBindings as Knex.RawBinding[],
    };
  }
  const part = concatSql(dialect, ['p.id', `':'`, 's.text_major']);
  return {
    sql: `UPDATE ${TABLE.subject} SET required_fingerprint = (
           SELECT ${stringAggSql(dialect, part, 'p.id', '|')}
           FROM ${TABLE.state} s JOIN ${TABLE.purpose} p ON p.${quoteId(dialect, 'key')} = s.purpose_key
           WHERE s.subject = ${TABLE.subject}.subject
             AND s.decision = 'given' AND s.text_major IS NOT NULL
             AND p.id IN (${required.map(() => '?').join(', ')})
             AND (p.special_category = ? OR s.explicit = ?)
         )${where}`,
    bindings: [...required.map((p) => p.id), false, true, ...filterBindings] as Knex.RawBinding[],
  };
};

const reasonUpdate = (purposes: PurposeRow[], filter: SummaryFilter | null) => {
  const required = requiredPurposes(purposes);
  const where = filter ? ` WHERE ${filter.where}` : '';
  const filterBindings = filter?.bindings ?? [];
  if (required.length === 0) {
    return {
      sql: `UPDATE ${TABLE.subject} SET reason = 'missing'${where}`,
      bindings: filterBindings as Knex.RawBinding[],
    };
  }
  const has = (decision: string) =>
    `WHEN SUM(CASE WHEN s.decision = '${decision}' THEN 1 ELSE 0 END) > 0 THEN '${decision}'`;
  return {
    sql: `UPDATE ${TABLE.subject} SET reason = (
           SELECT CASE ${['withdrawn', 'revoked', 'refused', 'expired'].map(has).join(' ')}
                  WHEN COUNT(*) < ? THEN 'missing' ELSE 'given' END
           FROM ${TABLE.state} s
           WHERE s.subject = ${TABLE.subject}.subject AND s.purpose_key IN (${required.map(() => '?').join(', ')})
         )${where}`,
    bindings: [
      required.length,
      ...required.map((p) => p.key),
      ...filterBindings,
    ] as Knex.RawBinding[],
  };
};
