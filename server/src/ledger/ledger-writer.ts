import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { UID } from '../constants';
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
import { fromColumns, toColumns } from '../utils/rows';
import { WriteBatch } from '../utils/write-batch';
import type { EventRow, PurposeRow, StateRow } from '../types';
import {
  insertEvents,
  updateSummary,
  upsertStates,
  writeInOneStatement,
  type LockedSummary,
  type StateValues,
  type SummaryValues,
} from './queries';

/**
 * The ledger's writes (services/ledger.ts decides what to record, under the
 * subject's summary lock): the events, the per-purpose states they change and the
 * subject's summary, with a caller's final write, in as few statements as each
 * database allows.
 */

/** A stored state as the state machine sees it (null: no state yet). */
export const toState = (row: StateRow | null | undefined): PurposeState<EventRow> | null =>
  row
    ? {
        decision: row.decision,
        event: {
          id: row.eventId,
          decision: row.decision,
          occurredAt: row.decidedAt,
          textMajor: row.textMajor,
          explicit: Boolean(row.explicit),
        } as EventRow,
      }
    : null;

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
  /** Whether a decision other than a request's expiry is among these (it moves last_decision_at). */
  byAnyone: boolean;
}

const time = (value: unknown): number => new Date(value as string | number | Date).getTime();

const latest = (a: string | Date | number | null, b: string | Date): Date =>
  a != null && new Date(a).getTime() > new Date(b).getTime() ? new Date(a) : new Date(b);

const stateData = (subject: string, event: EventRow): StateValues => ({
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
    const rows = await insertEvents(
      step.trx,
      pending.map(({ params }) => toColumns(strapi, UID.event, params.data))
    );
    return this.writeStepByStep(step, await this.afterCreateEvents(rows, pending));
  },

  /**
   * The general case, on every database: apply each stored event to its purpose's
   * state (or fold the purpose's log again when the event is back-dated), then
   * write the changed states, the summary and the caller's final write, together.
   */
  async writeStepByStep(step: WriteStep, events: EventRow[]): Promise<EventRow[]> {
    const { trx, subject, states } = step;
    const changed: StateValues[] = [];
    for (const event of events) {
      const previous = states.get(event.purposeKey) ?? null;
      const current = toState(previous);
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
    const stateWrite = upsertStates(trx, changed);
    if (stateWrite) batch.add(stateWrite);
    batch.add(
      updateSummary(
        trx,
        this.summaryValues(step),
        Math.max(step.summary.last_event_id ?? 0, ...events.map((e) => e.id))
      )
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

    const rows = await writeInOneStatement(strapi, trx, {
      eventRows: pending.map(({ params }) => toColumns(strapi, UID.event, params.data)),
      changedKeys,
      summary: this.summaryValues(step),
      extra: extra ?? null,
    });
    return this.afterOneStatement(step, pending, changedKeys, rows);
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
      const current = toState(previous);
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

  /** What the subject's summary takes from this step. */
  summaryValues(step: WriteStep): SummaryValues {
    return {
      id: step.summary.id,
      requiredFingerprint: this.fingerprintOf(step.purposeRows, step.states),
      reason: this.reasonOf(step.purposeRows, step.states),
      // A request's expiry (decision `expired`, the system's) is no one's decision: not the
      // client's last one, and no activity for the retention rule (rights/queries inactiveClients).
      lastDecisionAt: step.byAnyone
        ? latest(step.summary.last_decision_at, step.occurredAt)
        : step.summary.last_decision_at != null
          ? new Date(step.summary.last_decision_at)
          : null,
      chain: step.chain,
    };
  },

  fingerprintOf(purposeRows: PurposeRow[], states: Map<string, StateRow>): string | null {
    return subjectFingerprint(purposeRows, (purposeId) => {
      const purpose = purposeRows.find((p) => p.id === purposeId);
      const row = purpose ? states.get(purpose.key) : undefined;
      return toState(row);
    });
  },

  /** Why the subject lacks valid consent (decision level), stored beside the fingerprint for the clients list. */
  reasonOf(purposeRows: PurposeRow[], states: Map<string, StateRow>): SubjectReason {
    return subjectReason(purposeRows, (purposeId) => {
      const purpose = purposeRows.find((p) => p.id === purposeId);
      const row = purpose ? states.get(purpose.key) : undefined;
      return toState(row);
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
});

export default ledgerWriter;
