import type { Core } from '@strapi/strapi';
import { contentTypes } from '@strapi/utils';
import { UID } from '../constants';
import {
  currentFingerprint,
  hasValidConsent,
  needsConsent,
  needsExplicitConsent,
  purposeStatus,
  subjectReason,
  subjectStatus,
  type PurposeStatus,
} from '../domain/state-machine';
import type { Knex } from 'knex';
import { dialectOf } from '../utils/dialect';
import { getService } from '../utils/get-service';
import type { EventRow, PurposeRow, StateRow, SummaryRow } from '../types';
import { contentTypeOf, metadataOf } from '../utils/models';
import { transaction } from '../utils/transaction';
import { toState } from './ledger-writer';
import { erasedSubjectError } from './errors';
import {
  nextSubjects,
  pageSubjects,
  rebuildSubjects,
  syncErasedSummaries,
  updateFingerprints,
  updateReasons,
} from './queries';

export type { SubjectStatus } from '../domain/state-machine';

/** The consent state projection: reading it, and rebuilding it from the event log. */
const states = ({ strapi }: { strapi: Core.Strapi }) => ({
  async currentFingerprint(): Promise<string> {
    return currentFingerprint(await getService(strapi, 'purposes').list());
  },

  /**
   * For each subject, the purposes it validly consents to (given, to the current major
   * version): one indexed read for a batch of subjects (the information mails of a send pass).
   */
  async consentedPurposes(
    subjects: readonly string[],
    purposes: readonly PurposeRow[]
  ): Promise<Map<string, Set<string>>> {
    const consented = new Map<string, Set<string>>(subjects.map((s) => [s, new Set<string>()]));
    if (subjects.length === 0) return consented;
    const majors = new Map(purposes.map((p) => [p.key, p.currentMajor]));
    const rows = (await strapi.db.query(UID.state).findMany({
      where: { subject: { $in: [...subjects] }, decision: 'given' },
      select: ['subject', 'purposeKey', 'textMajor'],
    })) as Pick<StateRow, 'subject' | 'purposeKey' | 'textMajor'>[];
    for (const row of rows) {
      const current = majors.get(row.purposeKey);
      if (current !== null && current !== undefined && row.textMajor === current)
        consented.get(row.subject)?.add(row.purposeKey);
    }
    return consented;
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
      toState(byKey.get(purposes.find((p) => p.id === id)?.key ?? ''))
    );
    const erasedAt = summary?.erasedAt ?? null;
    const status = erasedAt ? ('erased' as const) : subjectStatus(valid, reason);

    return {
      subject,
      valid: valid && !erasedAt,
      status,
      erasedAt,
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
      .map((p) => ({ purpose: p.key, status: purposeStatus(p, toState(byKey.get(p.key))) }))
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
      status: purposeStatus(purpose, toState(row)),
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
  async history(
    subject: string,
    { page, pageSize, source }: { page: number; pageSize: number; source?: string }
  ) {
    const where = { subject, ...(source !== undefined ? { source } : {}) };
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
    return pageSubjects(strapi.db.connection, {
      hostTable: metadataOf(strapi, uid).tableName,
      draftAndPublish: contentTypes.hasDraftAndPublish(contentTypeOf(strapi, uid)),
      fingerprint: await this.currentFingerprint(),
      valid,
      after,
      limit,
    });
  },

  /**
   * Recompute every subject's fingerprint from the states, in one statement.
   * Needed only when the set of required purposes changes (and by rebuild).
   */
  async recomputeFingerprints(): Promise<void> {
    const purposes = await getService(strapi, 'purposes').list();
    await transaction(strapi, async ({ trx }) => {
      await updateFingerprints(trx, dialectOf(strapi), purposes);
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
      await updateReasons(
        trx,
        purposes,
        onlyUnset ? { where: 'reason IS NULL', bindings: [] } : null
      );
    });
  },

  /** 409 when the subject was erased (nothing is recorded or asked of an erased client). */
  async assertNotErased(subject: string): Promise<void> {
    const summary = (await strapi.db
      .query(UID.subject)
      .findOne({ where: { subject }, select: ['erasedAt'] })) as Pick<
      SummaryRow,
      'erasedAt'
    > | null;
    if (summary?.erasedAt) throw erasedSubjectError(subject);
  },

  /** Every erased client's summary stamped with its erasure's time (queries syncErasedSummaries; the one-off migration). */
  async syncErased(): Promise<void> {
    await transaction(strapi, async ({ trx }) => {
      await syncErasedSummaries(trx, dialectOf(strapi), null, new Date());
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
   * each of them (their summary rows, queries/summary.ts), in subject order,
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
    const run = (trx: Knex.Transaction) => rebuildSubjects(trx, dialect, purposes, subjects, now);
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

export default states;
