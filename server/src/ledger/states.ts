import type { Core } from '@strapi/strapi';
import { contentTypes } from '@strapi/utils';
import { TABLE, UID } from '../constants';
import {
  currentFingerprint,
  hasValidConsent,
  needsConsent,
  needsExplicitConsent,
  purposeStatus,
  requiredPurposes,
  subjectReason,
  subjectStatus,
  type PurposeStatus,
} from '../domain/state-machine';
import type { Knex } from 'knex';
import {
  concatSql,
  dialectOf,
  quoteId,
  randomDocumentIdSql,
  stringAggSql,
  supportsRowLocks,
} from '../utils/dialect';
import { getService } from '../utils/get-service';
import type { EventRow, PurposeRow, StateRow, SummaryRow } from '../types';
import { contentTypeOf, metadataOf } from '../utils/models';
import { transaction } from '../utils/transaction';

export type { SubjectStatus } from '../domain/state-machine';

const asState = (row: StateRow | undefined) =>
  row
    ? {
        decision: row.decision,
        event: {
          id: row.eventId,
          decision: row.decision,
          occurredAt: row.decidedAt,
          textMajor: row.textMajor,
          explicit: Boolean(row.explicit),
        },
      }
    : null;

/** The consent state projection: reading it, and rebuilding it from the event log. */
const states = ({ strapi }: { strapi: Core.Strapi }) => ({
  async currentFingerprint(): Promise<string> {
    return currentFingerprint(await getService(strapi, 'purposes').list());
  },

  /** A subject's consent per purpose and whether it has valid consent. */
  async forSubject(subject: string) {
    // One after the other: inside a transaction (a booking's) the three share one
    // connection, and pg refuses overlapping queries on a client.
    const purposes = await getService(strapi, 'purposes').list();
    const rows = (await strapi.db.query(UID.state).findMany({ where: { subject } })) as StateRow[];
    const summary = (await strapi.db
      .query(UID.subject)
      .findOne({ where: { subject } })) as SummaryRow | null;
    const byKey = new Map(rows.map((r) => [r.purposeKey, r]));
    const valid = hasValidConsent(
      summary?.requiredFingerprint ?? null,
      currentFingerprint(purposes)
    );
    // The same rule as the summary's stored reason (the clients list filters on it).
    const reason = subjectReason(purposes, (id) =>
      asState(byKey.get(purposes.find((p) => p.id === id)?.key ?? ''))
    );
    const status = subjectStatus(valid, reason);

    return {
      subject,
      valid,
      status,
      lastDecisionAt: summary?.lastDecisionAt ?? null,
      purposes: purposes.filter((p) => p.active).map((p) => this.purposeView(p, byKey.get(p.key))),
    };
  },

  /** The required purposes a subject lacks valid consent to (empty: valid consent). */
  async missingRequired(
    subject: string,
    purposesRead?: PurposeRow[]
  ): Promise<{ purpose: string; status: PurposeStatus }[]> {
    // The purposes and the subject's states are all it takes (not the summary forSubject() also reads):
    // one statement less for every booking that comes without consent input. One after the other, as there.
    // `purposesRead`: the list the caller read in this transaction (a booking whose decisions are held).
    const purposes = purposesRead ?? (await getService(strapi, 'purposes').list());
    const rows = (await strapi.db.query(UID.state).findMany({ where: { subject } })) as StateRow[];
    return this.missingFrom(purposes, new Map(rows.map((r) => [r.purposeKey, r])));
  },

  /**
   * missingRequired() from rows already read: the purposes and the subject's states
   * by purpose key (the ledger hands back both after recording, in the same
   * transaction). The same rule and order as forSubject(): active purposes in list order.
   */
  missingFrom(
    purposes: PurposeRow[],
    byKey: Map<string, StateRow>
  ): { purpose: string; status: PurposeStatus }[] {
    return purposes
      .filter((p) => p.active && p.required && needsConsent(p))
      .map((p) => ({ purpose: p.key, status: purposeStatus(p, asState(byKey.get(p.key))) }))
      .filter((m) => m.status !== 'valid');
  },

  purposeView(purpose: PurposeRow, row: StateRow | undefined) {
    return {
      purpose: purpose.key,
      name: purpose.name,
      legalBasis: purpose.legalBasis,
      requiresConsent: needsConsent(purpose),
      required: purpose.required && needsConsent(purpose),
      explicit: needsExplicitConsent(purpose),
      status: purposeStatus(purpose, asState(row)),
      currentVersion:
        purpose.currentMajor !== null
          ? `${purpose.currentMajor}.${purpose.currentMinor ?? 0}`
          : null,
      decision: row
        ? {
            decision: row.decision,
            version: row.textVersion,
            textHash: row.textHash,
            locale: row.textLocale,
            explicit: Boolean(row.explicit),
            channel: row.channel,
            decidedAt: row.decidedAt,
          }
        : null,
    };
  },

  /** The subject's event log, newest first. */
  async history(subject: string, { page, pageSize }: { page: number; pageSize: number }) {
    const where = { subject };
    const [results, total] = await Promise.all([
      strapi.db.query(UID.event).findMany({
        where,
        orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
        offset: (page - 1) * pageSize,
        limit: pageSize,
      }) as Promise<EventRow[]>,
      strapi.db.query(UID.event).count({ where }),
    ]);
    return {
      results,
      pagination: { page, pageSize, total, pageCount: Math.ceil(total / pageSize) },
    };
  },

  /**
   * One page of subjects (host documents) with or without valid consent, keyset
   * paginated on the host table's id: one indexed query whatever the table size.
   */
  async pageSubjects({
    valid,
    after = 0,
    limit = 50,
  }: {
    valid: boolean;
    after?: number;
    limit?: number;
  }) {
    const uid = getService(strapi, 'subjects').uid();
    const hostTable = metadataOf(strapi, uid).tableName;
    const fingerprint = await this.currentFingerprint();
    const query = strapi.db
      .connection({ c: hostTable })
      .select('c.id', 'c.document_id as documentId')
      .where('c.id', '>', after)
      .orderBy('c.id', 'asc')
      .limit(limit);
    // With draft & publish every document has exactly one draft row: count each client once.
    if (contentTypes.hasDraftAndPublish(contentTypeOf(strapi, uid)))
      query.whereNull('c.published_at');
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
    return (await query) as { id: number; documentId: string }[];
  },

  /**
   * Recompute every subject's fingerprint from the states, in one statement.
   * Needed only when the set of required purposes changes (and by rebuild).
   */
  async recomputeFingerprints(): Promise<void> {
    const purposes = await getService(strapi, 'purposes').list();
    await transaction(strapi, async ({ trx }) => {
      const { sql, bindings } = fingerprintUpdate(dialectOf(strapi), purposes);
      await trx.raw(sql, bindings);
    });
    await this.recomputeReasons();
  },

  /**
   * Recompute every subject's reason (see domain subjectReason) from the states,
   * in one statement; `onlyUnset`: only rows without one (rows written before the
   * column existed), as bootstrap does.
   */
  async recomputeReasons({ onlyUnset = false }: { onlyUnset?: boolean } = {}): Promise<void> {
    const purposes = await getService(strapi, 'purposes').list();
    await transaction(strapi, async ({ trx }) => {
      const { sql, bindings } = reasonUpdate(
        purposes,
        onlyUnset ? { where: 'reason IS NULL', bindings: [] } : null
      );
      await trx.raw(sql, bindings);
    });
  },

  /**
   * Rebuild the whole projection from the event log, batch by batch of subjects
   * (see rebuildBatch()), so it can run at any time: bookings and answers that
   * come in meanwhile wait at most for one batch, and none of them deadlocks
   * with it. Gives the same rows as the live projection, which the tests check.
   */
  async rebuild({ batchSize = REBUILD_BATCH }: { batchSize?: number } = {}): Promise<{
    states: number;
    subjects: number;
  }> {
    const knex = strapi.db.connection;
    let after = '';
    for (;;) {
      const batch = await nextSubjects(knex, after, batchSize);
      if (batch.length === 0) break;
      await this.rebuildBatch(batch);
      after = batch[batch.length - 1];
    }
    const [states, subjects] = await Promise.all([
      strapi.db.query(UID.state).count({}),
      strapi.db.query(UID.subject).count({}),
    ]);
    return { states, subjects };
  },

  /**
   * Rebuild the states and summaries of a few subjects (sorted) in one short
   * transaction of set-based statements. It first takes the ledger's lock of
   * each of them (their summary rows, summary-lock.ts), in subject order,
   * creating the missing ones: every writer of a subject's consent takes that
   * lock before it touches the subject's events or states, and holds no other
   * subject's, so a writer either finished before the batch reads the events or
   * waits for the batch to commit; no cycle of waits can form. The state of a
   * (subject, purpose) is its latest decisive event, else its latest expired
   * event (the same rule as domain/state-machine).
   *
   * A writer that holds several subjects' locks in an order of its own (a CSV
   * import records many clients in one transaction) can still meet a batch in
   * a deadlock; the database then aborts one of the two, and when that is the
   * batch it is run again: it only recomputes what the events say.
   */
  async rebuildBatch(subjects: readonly string[], attempt = 1): Promise<void> {
    const dialect = dialectOf(strapi);
    const purposes = await getService(strapi, 'purposes').list();
    const knex = strapi.db.connection;
    const now = new Date();
    const list = subjects.map(() => '?').join(', ');
    const inBatch = (column: string) => ({
      where: `${column} IN (${list})`,
      bindings: [...subjects],
    });
    const run = async (trx: Knex.Transaction) => {
      // A summary row that was lost gets its chain head back from the events (the proof's
      // verify compares the two), so the next event continues the same chain.
      const [insert, conflict] =
        dialect === 'mysql'
          ? // Not INSERT IGNORE: its shared lock on a row created meanwhile would have to be
            // upgraded below, which deadlocks with a writer queued for that row (see summary-lock.ts).
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
           (document_id, subject, purpose_key, decision, explicit, text_id, text_version, text_major, text_hash,
            text_locale, channel, event_id, decided_at, created_at, updated_at, published_at)
         SELECT ${randomDocumentIdSql(dialect)}, r.subject, r.purpose_key, r.decision, r.explicit, r.text_id,
                r.text_version, r.text_major, r.text_hash, r.text_locale, r.channel, r.id, r.occurred_at, ?, ?, ?
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
           last_decision_at = (SELECT MAX(e.occurred_at) FROM ${TABLE.event} e WHERE e.subject = ${TABLE.subject}.subject)
         WHERE subject IN (${list})`,
        subjects
      );
      const fingerprint = fingerprintUpdate(dialect, purposes, inBatch('subject'));
      await trx.raw(fingerprint.sql, fingerprint.bindings);
      const reason = reasonUpdate(purposes, inBatch('subject'));
      await trx.raw(reason.sql, reason.bindings);
    };
    try {
      // knex's callback form: a COMMIT that fails rejects here. MySQL/MariaDB: READ COMMITTED,
      // so the statements read the events as committed once the locks are held (REPEATABLE READ
      // would read them under shared next-key locks, blocking inserts of other subjects' events).
      if (dialect === 'mysql')
        await knex.transaction(run, { isolationLevel: 'read committed' } as Knex.TransactionConfig);
      else await knex.transaction(run);
    } catch (error) {
      if (attempt >= REBUILD_ATTEMPTS || !isLockConflict(error)) throw error;
      await new Promise((resolve) =>
        setTimeout(resolve, 20 * attempt + Math.floor(Math.random() * 50))
      );
      await this.rebuildBatch(subjects, attempt + 1);
    }
  },
});

/** Subjects per rebuild transaction: short enough that a booking waiting for one barely notices. */
const REBUILD_BATCH = 200;
/** Runs of one batch before a rebuild gives up (each only after a deadlock the database broke). */
const REBUILD_ATTEMPTS = 5;

/** A deadlock or lock timeout the database reported (PostgreSQL SQLSTATE, MySQL/MariaDB errno, SQLite busy). */
const isLockConflict = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  return (
    code === '40P01' ||
    code === '40001' ||
    code === '55P03' ||
    errno === 1213 ||
    errno === 1205 ||
    code === 'SQLITE_BUSY'
  );
};

/**
 * The next `limit` subjects after `after` that have events, a summary or states,
 * in order: one indexed range read per table (each capped at `limit`), so a
 * rebuild reads each table once in all, not once per batch.
 */
const nextSubjects = async (knex: Knex, after: string, limit: number): Promise<string[]> => {
  const part = (table: string, alias: string) =>
    `SELECT subject FROM (SELECT t.subject FROM ${table} t WHERE t.subject > ? GROUP BY t.subject ORDER BY t.subject LIMIT ?) ${alias}`;
  const result = (await knex.raw(
    `SELECT u.subject FROM (${part(TABLE.event, 'a')} UNION ${part(TABLE.subject, 'b')} UNION ${part(TABLE.state, 'c')}) u
     ORDER BY u.subject LIMIT ?`,
    [after, limit, after, limit, after, limit, limit]
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
const fingerprintUpdate = (
  dialect: ReturnType<typeof dialectOf>,
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

/** UPDATE of the summaries' reason (see domain subjectReason) from their states (all rows, or those `filter` picks). */
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

export default states;
