import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { TABLE, UID } from '../constants';
import {
  applyEvent,
  foldEvents,
  isInOrder,
  subjectFingerprint,
  subjectReason,
  type Decision,
  type SubjectReason,
  type PurposeState,
} from '../domain/state-machine';
import { dialectOf } from '../utils/dialect';
import { newDocumentId } from '../utils/document-id';
import { fromColumns, insertReturning, toColumns } from '../utils/rows';
import { preparedRaw } from '../utils/prepared';
import { WriteBatch } from '../utils/write-batch';
import type { EventRow, PurposeRow, StateRow } from '../types';

/**
 * The ledger's writes (services/ledger.ts decides what to record, under the
 * subject's summary lock): the events, the per-purpose states they change and the
 * subject's summary, with a caller's final write, in as few statements as each
 * database allows.
 */

const toState = (row: StateRow): PurposeState<EventRow> => ({
  decision: row.decision,
  event: {
    id: row.eventId,
    decision: row.decision,
    occurredAt: row.decidedAt,
    textMajor: row.textMajor,
    explicit: Boolean(row.explicit),
  } as EventRow,
});

/** The columns an existing state row takes from a new event (not its id, document id or created_at). */
const STATE_COLUMNS = [
  'decision',
  'explicit',
  'text_id',
  'text_version',
  'text_major',
  'text_hash',
  'text_locale',
  'channel',
  'event_id',
  'decided_at',
  'updated_at',
];

export interface LockedSummary {
  id: number;
  last_event_id: number | null;
  last_decision_at: string | Date | number | null;
  /** The subject's event chain head (domain/chain): the last event's sequence number and hash; null before its first event. */
  chain_seq: number | string | null;
  chain_head: string | null;
  /**
   * PostgreSQL: the lock statement created the summary row (RETURNING xmax = 0),
   * and the purposes' version read by that statement. A subject without a summary
   * row has no states (the ledger writes both in one transaction, holding this
   * row's lock; rebuild() writes both too), so its states need no read.
   */
  new_row?: boolean;
  purposes_version?: string | null;
}

/** A write of a caller's, sent with the ledger's last statement (see recordDecisions). */
export type FinalWrite = (
  trx: Knex.Transaction,
  after: { purposes: PurposeRow[]; states: Map<string, StateRow> }
) => Knex.QueryBuilder | null;

export interface PendingEvent {
  params: { data: Record<string, unknown> };
  /** What the beforeCreate subscribers keep for their afterCreate (the query engine's lifecycle state). */
  states: Awaited<ReturnType<Core.Strapi['db']['lifecycles']['run']>>;
}

export interface WriteStep {
  trx: Knex.Transaction;
  subject: string;
  occurredAt: Date;
  summary: LockedSummary;
  purposeRows: PurposeRow[];
  /** The subject's states by purpose key, updated in place. */
  states: Map<string, StateRow>;
  finalWrite?: FinalWrite;
  /** The chain head after these events, written to the summary with the rest. */
  chain: { seq: number; head: string };
}

const time = (value: unknown): number => new Date(value as string | number | Date).getTime();

const latest = (a: string | Date | number | null, b: string | Date): Date =>
  a != null && new Date(a).getTime() > new Date(b).getTime() ? new Date(a) : new Date(b);

const stateData = (subject: string, event: EventRow) => ({
  subject,
  purposeKey: event.purposeKey,
  decision: event.decision,
  explicit: Boolean(event.explicit),
  textId: event.textId,
  textVersion: event.textVersion,
  textMajor: event.textMajor,
  textHash: event.textHash,
  textLocale: event.textLocale,
  channel: event.channel,
  eventId: event.id,
  decidedAt: event.occurredAt,
});

const ledgerWriter = (strapi: Core.Strapi) => ({
  /**
   * PostgreSQL and SQLite: the events are inserted with RETURNING (no SELECT after
   * each INSERT). On PostgreSQL, when every decision comes after the subject's
   * state for its purpose (always, except back-dated imports and clock skew), the
   * events, the states, the summary and the caller's final write are ONE statement.
   */
  async writeEvents(step: WriteStep, pending: PendingEvent[]): Promise<EventRow[]> {
    if (dialectOf(strapi) === 'postgres') {
      const events = await this.writeInOneStatement(step, pending);
      if (events) return events;
    }
    const rows = (await step
      .trx(TABLE.event)
      .insert(pending.map(({ params }) => toColumns(strapi, UID.event, params.data)))
      .returning('*')) as Record<string, unknown>[];
    return this.writeStepByStep(step, await this.afterCreateEvents(rows, pending));
  },

  /**
   * The general case, on every database: apply each stored event to its purpose's
   * state (or fold the purpose's log again when the event is back-dated), then
   * write the changed states, the summary and the caller's final write, together.
   */
  async writeStepByStep(step: WriteStep, events: EventRow[]): Promise<EventRow[]> {
    const { trx, subject, states } = step;
    const changed: ReturnType<typeof stateData>[] = [];
    for (const event of events) {
      const previous = states.get(event.purposeKey) ?? null;
      const current = previous ? toState(previous) : null;
      const next = isInOrder(current, event)
        ? applyEvent(current, event)
        : foldEvents(
            (await strapi.db.query(UID.event).findMany({
              where: { subject, purposeKey: event.purposeKey },
            })) as EventRow[]
          );
      if (next && next.event.id !== current?.event.id) {
        const data = stateData(subject, next.event as EventRow);
        changed.push(data);
        states.set(event.purposeKey, { ...data, id: previous?.id } as StateRow);
      }
    }
    const batch = new WriteBatch(dialectOf(strapi));
    const stateWrite = this.stateWrite(trx, changed);
    if (stateWrite) batch.add(stateWrite);
    batch.add(
      trx(TABLE.subject)
        .where('id', step.summary.id)
        .update({
          required_fingerprint: this.fingerprintOf(step.purposeRows, states),
          reason: this.reasonOf(step.purposeRows, states),
          last_event_id: Math.max(step.summary.last_event_id ?? 0, ...events.map((e) => e.id)),
          last_decision_at: latest(step.summary.last_decision_at, step.occurredAt),
          chain_seq: step.chain.seq,
          chain_head: step.chain.head,
          updated_at: new Date(),
        })
    );
    const extra = step.finalWrite?.(trx, { purposes: step.purposeRows, states });
    if (extra) batch.add(extra);
    await batch.flush(trx);
    return events;
  },

  /**
   * PostgreSQL, decisions in order: one statement of data-modifying WITH queries.
   * Which states change is decided here as writeStepByStep() decides it (applyEvent
   * looks at decisions, not ids, once the order is known); the new states are
   * copied from the inserted events in SQL (joined on purpose key: one decision per
   * purpose), and last_event_id takes the new ids in SQL. Null, with nothing sent,
   * when a decision is not strictly later than its purpose's state: telling the
   * order then needs the new event's id, or folding the log again.
   */
  async writeInOneStatement(step: WriteStep, pending: PendingEvent[]): Promise<EventRow[] | null> {
    const { trx, states } = step;
    const changedKeys = this.applyInOrder(step, pending);
    if (changedKeys === null) return null;
    const extra = step.finalWrite?.(trx, { purposes: step.purposeRows, states });

    const insert = insertReturning(
      strapi,
      UID.event,
      pending.map(({ params }) => toColumns(strapi, UID.event, params.data))
    );
    const withs = [`consent_ev AS (${insert.sql})`];
    const bindings: unknown[] = [...insert.bindings];
    const stateCte = this.statesFromEvents(changedKeys);
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
      this.fingerprintOf(step.purposeRows, states),
      this.reasonOf(step.purposeRows, states),
      latest(step.summary.last_decision_at, step.occurredAt),
      step.chain.seq,
      step.chain.head,
      new Date(),
      step.summary.id
    );
    if (extra) {
      const sql = extra.toSQL();
      withs.push(`consent_fw AS (${sql.sql})`);
      bindings.push(...sql.bindings);
    }
    const result = (await preparedRaw(
      strapi,
      trx,
      `WITH ${withs.join(', ')} SELECT * FROM consent_ev`,
      bindings as Knex.Value[]
    )) as {
      rows: Record<string, unknown>[];
    };
    return this.afterOneStatement(step, pending, changedKeys, result.rows);
  },

  /**
   * Which states the decisions change, decided as writeStepByStep() decides it
   * (applyEvent looks at decisions, not ids, once the order is known), and the
   * states after the decisions set in `step.states` as the one-statement writes
   * store them (their eventId once the events are stored: afterOneStatement()).
   * Null, with `step.states` unchanged, when a decision is not strictly later than
   * its purpose's state: telling the order then needs the new event's id, or
   * folding the log again.
   */
  applyInOrder(step: WriteStep, pending: PendingEvent[]): string[] | null {
    const { subject, states } = step;
    const changedKeys: string[] = [];
    for (const { params } of pending) {
      const data = params.data;
      const previous = states.get(data.purposeKey as string) ?? null;
      const current = previous ? toState(previous) : null;
      if (current && !(time(current.event.occurredAt) < time(data.occurredAt))) return null;
      // The event as applyEvent() sees it (its id is not needed once the order is known).
      const event = {
        id: Number.NaN,
        decision: data.decision as Decision,
        occurredAt: new Date(data.occurredAt as string | Date).toISOString(),
        textMajor: (data.textMajor as number | null | undefined) ?? null,
        explicit: data.explicit === true,
      } as EventRow;
      const next = applyEvent(current, event);
      if (next !== null && next.event === event) changedKeys.push(data.purposeKey as string);
    }
    for (const { params } of pending) {
      const data = params.data;
      const key = data.purposeKey as string;
      if (!changedKeys.includes(key)) continue;
      const written = stateData(subject, {
        ...data,
        id: 0,
        explicit: data.explicit === true,
        occurredAt: new Date(data.occurredAt as string | Date).toISOString(),
      } as unknown as EventRow);
      states.set(key, { ...written, id: states.get(key)?.id } as StateRow);
    }
    return changedKeys;
  },

  /**
   * The WITH query that writes the changed states from the events inserted by
   * `consent_ev` (one decision per purpose: joined on purpose key), as an upsert
   * on (subject, purpose_key). Null when no state changes.
   */
  statesFromEvents(changedKeys: string[]): { sql: string; bindings: unknown[] } | null {
    if (changedKeys.length === 0) return null;
    return {
      sql:
        `consent_st AS (INSERT INTO ${TABLE.state} (document_id, subject, purpose_key, decision, explicit, text_id, text_version, ` +
        `text_major, text_hash, text_locale, channel, event_id, decided_at, created_at, updated_at, published_at) ` +
        `SELECT n.document_id, e.subject, e.purpose_key, e.decision, e.explicit, e.text_id, e.text_version, e.text_major, ` +
        `e.text_hash, e.text_locale, e.channel, e.id, e.occurred_at, e.created_at, e.created_at, e.created_at ` +
        `FROM consent_ev e JOIN (VALUES ${changedKeys.map(() => '(?, ?)').join(', ')}) AS n (purpose_key, document_id) ` +
        `ON n.purpose_key = e.purpose_key ` +
        `ON CONFLICT (subject, purpose_key) DO UPDATE SET ${STATE_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')})`,
      bindings: changedKeys.flatMap((key) => [key, newDocumentId()]),
    };
  },

  /** The events a one-statement write returned, after their afterCreate lifecycles; the changed states get their event ids. */
  async afterOneStatement(
    step: WriteStep,
    pending: PendingEvent[],
    changedKeys: string[],
    rows: Record<string, unknown>[]
  ): Promise<EventRow[]> {
    const events = await this.afterCreateEvents(rows, pending);
    for (const event of events) {
      const state = step.states.get(event.purposeKey);
      if (state && changedKeys.includes(event.purposeKey))
        step.states.set(event.purposeKey, { ...state, eventId: event.id });
    }
    return events;
  },

  fingerprintOf(purposeRows: PurposeRow[], states: Map<string, StateRow>): string | null {
    return subjectFingerprint(purposeRows, (purposeId) => {
      const purpose = purposeRows.find((p) => p.id === purposeId);
      const row = purpose ? states.get(purpose.key) : undefined;
      return row ? toState(row) : null;
    });
  },

  /** Why the subject lacks valid consent (decision level), stored beside the fingerprint for the clients list. */
  reasonOf(purposeRows: PurposeRow[], states: Map<string, StateRow>): SubjectReason {
    return subjectReason(purposeRows, (purposeId) => {
      const purpose = purposeRows.find((p) => p.id === purposeId);
      const row = purpose ? states.get(purpose.key) : undefined;
      return row ? toState(row) : null;
    });
  },

  /**
   * The query engine's beforeCreate lifecycles of each event, as
   * strapi.db.query().create() runs them (they may change the data), for events
   * then inserted directly.
   */
  async beforeCreateEvents(list: Record<string, unknown>[]): Promise<PendingEvent[]> {
    const pending: PendingEvent[] = [];
    for (const data of list) {
      const params = { data };
      pending.push({
        params,
        states: await strapi.db.lifecycles.run('beforeCreate', UID.event, { params }),
      });
    }
    return pending;
  },

  /**
   * The stored rows (RETURNING *) in the query engine's shape, in input order,
   * then each event's afterCreate lifecycles with its row, as the query engine
   * runs them (a subscriber that throws rolls everything back).
   */
  async afterCreateEvents(
    rows: Record<string, unknown>[],
    pending: PendingEvent[]
  ): Promise<EventRow[]> {
    // One row per VALUES tuple; ids are drawn in VALUES order. Checked, not assumed.
    const events = rows
      .map((row) => fromColumns<EventRow>(strapi, UID.event, row))
      .sort((a, b) => a.id - b.id);
    const matches =
      events.length === pending.length &&
      events.every((e, i) => e.purposeKey === pending[i].params.data.purposeKey);
    if (!matches)
      throw new Error('consent: the event insert returned rows that do not match the input');
    for (let i = 0; i < pending.length; i += 1) {
      await strapi.db.lifecycles.run(
        'afterCreate',
        UID.event,
        { params: pending[i].params, result: events[i] },
        pending[i].states
      );
    }
    return events;
  },

  /** MySQL/MariaDB have no RETURNING: the query engine creates the events one by one. */
  async createEventsOneByOne(list: Record<string, unknown>[]): Promise<EventRow[]> {
    const created: EventRow[] = [];
    for (const data of list)
      created.push((await strapi.db.query(UID.event).create({ data })) as EventRow);
    return created;
  },

  /**
   * The changed states as one statement: an upsert on (subject, purpose_key).
   * The summary lock is held, so no other writer touches this subject's states
   * meanwhile; an existing row keeps its id, document id and created_at.
   */
  stateWrite(
    trx: Knex.Transaction,
    changed: ReturnType<typeof stateData>[]
  ): Knex.QueryBuilder | null {
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
      .merge(STATE_COLUMNS);
  },
});

export default ledgerWriter;
