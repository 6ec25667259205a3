import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { errors } from '@strapi/utils';
import createError from 'http-errors';
import { HUB_EVENT, TABLE, UID, type Channel } from '../constants';
import {
  applyEvent,
  foldEvents,
  isInOrder,
  needsConsent,
  needsExplicitConsent,
  subjectFingerprint,
  subjectReason,
  type Decision,
  type SubjectReason,
  type PurposeState,
} from '../domain/state-machine';
import { linkEvents } from '../domain/chain';
import { parseVersion } from '../domain/version';
import { dialectOf, supportsRowLocks } from '../utils/dialect';
import { newDocumentId } from '../utils/document-id';
import { fromColumns, insertReturning, toColumns } from '../utils/rows';
import { preparedRaw } from '../utils/prepared';
import { WriteBatch } from '../utils/write-batch';
import { getService } from '../utils/get-service';
import type { DecisionInput } from '../validation/decision';
import { bodyFor, versionKey } from './texts';
import type { Actor, EventRow, PurposeRow, StateRow, TextRow } from './types';

export interface RecordInput {
  subject: string;
  decisions: DecisionInput[];
  channel: Channel;
  actor: Actor;
  locale?: string;
  source?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  bookingId?: string | null;
  requestId?: string | null;
  note?: string | null;
  occurredAt?: Date;
}

/**
 * A decision about a text version that is no longer current (an editor published a
 * substantive change since the client saw it): 409, the front-end must show the texts again.
 */
export const staleVersionError = (stale: { purpose: string; version: string; current: string }[]) =>
  createError(409, 'The consent text changed since it was shown: fetch the current texts and ask again', {
    name: 'StaleVersionError',
    details: { stale },
  });

type Problem = { path: (string | number)[]; message: string };

const fail = (problems: Problem[]): never => {
  throw new errors.ValidationError(problems[0].message, { errors: problems });
};

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

/** A relation to the subject type stored in a join table (bookings.joinTableOf()). */
export interface SubjectRelation {
  joinTable: string;
  /** The join table's column holding the owner's (booking's) row id. */
  ownerColumn: string;
  /** The join table's column holding the subject's row id. */
  subjectColumn: string;
  subjectTable: string;
}

export interface LockedSubject {
  subject: string;
  summary: LockedSummary;
}

interface LockedSummary {
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

/** In RETURNING of INSERT ... ON CONFLICT DO UPDATE: true when the row was inserted, not updated (PostgreSQL). */
const NEW_ROW_SQL = '(xmax = 0) AS new_row';

/** A write of a caller's, sent with the ledger's last statement (see recordDecisions). */
export type FinalWrite = (
  trx: Knex.Transaction,
  after: { purposes: PurposeRow[]; states: Map<string, StateRow> }
) => Knex.QueryBuilder | null;

interface PendingEvent {
  params: { data: Record<string, unknown> };
  /** What the beforeCreate subscribers keep for their afterCreate (the query engine's lifecycle state). */
  states: Awaited<ReturnType<Core.Strapi['db']['lifecycles']['run']>>;
}

interface WriteStep {
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

export interface RecordResult {
  events: EventRow[];
  /** The purposes as read in the transaction (null when there was nothing to record). */
  purposes: PurposeRow[] | null;
  /** The subject's states by purpose key, after the decisions. */
  states: Map<string, StateRow> | null;
}

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

/**
 * The ledger: records decisions as append-only events and keeps the consent
 * state and the subject's summary in the same transaction.
 */
const ledger = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** Resolve which text each decision is about, and reject what cannot be recorded. */
  async resolveTexts(
    purposes: Map<string, PurposeRow>,
    input: RecordInput,
    states: Map<string, StateRow>
  ): Promise<{ decision: DecisionInput; purpose: PurposeRow; text: TextRow | null }[]> {
    const problems: Problem[] = [];
    const stale: { purpose: string; version: string; current: string }[] = [];
    const seen = new Set<string>();
    const wanted: { index: number; purpose: PurposeRow; major: number; minor: number }[] = [];

    input.decisions.forEach((decision, index) => {
      const purpose = purposes.get(decision.purpose);
      const path = ['decisions', index];
      if (seen.has(decision.purpose)) {
        problems.push({ path: [...path, 'purpose'], message: `purpose "${decision.purpose}" appears twice` });
        return;
      }
      seen.add(decision.purpose);
      if (!purpose || !purpose.active) {
        problems.push({ path: [...path, 'purpose'], message: `unknown purpose "${decision.purpose}"` });
        return;
      }
      if (!needsConsent(purpose)) {
        problems.push({
          path: [...path, 'purpose'],
          message: `purpose "${purpose.key}" is based on ${purpose.legalBasis}, not consent: there is nothing to decide`,
        });
        return;
      }
      if (decision.decision === 'given' && needsExplicitConsent(purpose) && decision.explicit !== true) {
        problems.push({
          path: [...path, 'explicit'],
          message: `purpose "${purpose.key}" is a special category: consent must be explicit (explicit: true)`,
        });
      }
      const state = states.get(purpose.key);
      let major = purpose.currentMajor;
      let minor = purpose.currentMinor;
      if (decision.version) {
        const parsed = parseVersion(decision.version);
        major = parsed?.major ?? null;
        minor = parsed?.minor ?? null;
      } else if (decision.decision !== 'given' && decision.decision !== 'refused' && state?.textVersion) {
        // A withdrawal is about the text the subject had agreed to.
        const parsed = parseVersion(state.textVersion);
        major = parsed?.major ?? major;
        minor = parsed?.minor ?? minor;
      }
      if (major === null || minor === null) {
        if (decision.decision === 'given' || decision.decision === 'refused') {
          problems.push({ path: [...path, 'purpose'], message: `purpose "${purpose.key}" has no published text yet` });
        }
        return;
      }
      if (
        (decision.decision === 'given' || decision.decision === 'refused') &&
        purpose.currentMajor !== null &&
        major < purpose.currentMajor
      ) {
        stale.push({ purpose: purpose.key, version: `${major}.${minor}`, current: `${purpose.currentMajor}.${purpose.currentMinor}` });
      }
      wanted.push({ index, purpose, major, minor });
    });
    if (problems.length > 0) fail(problems);

    // Every text version the decisions are about, in one query.
    const found = await getService(strapi, 'texts').findVersions(
      wanted.map((w) => ({ purposeKey: w.purpose.key, major: w.major, minor: w.minor }))
    );
    const resolved = wanted.map((w) => ({ ...w, text: found.get(versionKey(w.purpose.key, w.major, w.minor)) ?? null }));
    for (const r of resolved) {
      if (!r.text) {
        problems.push({
          path: ['decisions', r.index, 'version'],
          message: `purpose "${r.purpose.key}" has no version ${r.major}.${r.minor}`,
        });
      }
    }
    if (problems.length > 0) fail(problems);
    if (stale.length > 0) throw staleVersionError(stale);

    const byIndex = new Map(resolved.map((r) => [r.index, r.text]));
    return input.decisions.map((decision, index) => ({
      decision,
      purpose: purposes.get(decision.purpose) as PurposeRow,
      text: byIndex.get(index) ?? null,
    }));
  },

  /**
   * Record one or more decisions of one subject. Everything happens in one
   * transaction (joining the caller's, e.g. a booking's): the events, the
   * per-purpose states and the subject summary. Hub events fire after commit.
   */
  async record(input: RecordInput): Promise<EventRow[]> {
    return (await this.recordDecisions(input)).events;
  },

  /**
   * record(), also handing back what it read and wrote in its transaction: the
   * purposes and the subject's states after the decisions, so a caller in the
   * same transaction (the booking's requirement check) needs no second read.
   *
   * `subjectExists`: the caller read the subject from a relation row in this
   * transaction (a booking's client), so checking that it exists again is skipped.
   * `finalWrite`: a write of the caller's (the booking's check), built from the
   * purposes and the states after the decisions, sent with the ledger's last
   * statement; it may throw to refuse (the transaction then rolls back, events
   * included). The `eventId` of the states the decisions change may not be known
   * yet when it is called.
   */
  async recordDecisions(
    input: RecordInput,
    options: { subjectExists?: boolean; finalWrite?: FinalWrite; locked?: LockedSubject | null } = {}
  ): Promise<RecordResult> {
    if (input.decisions.length === 0) return { events: [], purposes: null, states: null };
    if (!options.subjectExists) await getService(strapi, 'subjects').assertExists(input.subject);
    const occurredAt = input.occurredAt ?? new Date();
    // A summary the caller locked (lockSummaryThrough) counts only inside the caller's transaction.
    const locked = options.locked?.subject === input.subject && strapi.db.inTransaction() ? options.locked.summary : null;

    return strapi.db.transaction(async ({ trx, onCommit }) => {
      // Serialise writers per subject: concurrent decisions of one client apply in order.
      const summary = locked ?? (await this.lockSummary(trx, input.subject));

      const { stateRows, purposesVersion } =
        summary.new_row === true
          ? { stateRows: [] as StateRow[], purposesVersion: summary.purposes_version ?? null }
          : await this.readStates(trx, input.subject);
      const states = new Map(stateRows.map((s) => [s.purposeKey, s]));
      const purposeRows = await getService(strapi, 'purposes').listAt(purposesVersion);
      const purposes = new Map(purposeRows.map((p) => [p.key, p]));

      const items = await this.resolveTexts(purposes, input, states);
      const list = items.map(({ decision, purpose, text }) => {
        const chosen = text ? bodyFor(text, input.locale) : null;
        return {
          subject: input.subject,
          purposeKey: purpose.key,
          decision: decision.decision,
          explicit: decision.explicit === true,
          textId: text?.documentId ?? null,
          textVersion: text?.version ?? null,
          textMajor: text?.major ?? null,
          textHash: chosen?.body.sha256 ?? null,
          textLocale: chosen?.locale ?? null,
          channel: input.channel,
          source: input.source ?? null,
          actorType: input.actor.type,
          actorId: input.actor.id != null ? String(input.actor.id) : null,
          actorName: input.actor.name ?? null,
          occurredAt,
          ip: input.ip ?? null,
          userAgent: input.userAgent ? input.userAgent.slice(0, 512) : null,
          bookingId: input.bookingId ?? null,
          requestId: input.requestId ?? null,
          note: input.note ?? null,
        } as Record<string, unknown>;
      });
      // The chain links are computed here, before the insert, so the booking path sends
      // no extra statement: the summary row locked above holds the head, and the summary
      // update below moves it. The secret is cached after its first read.
      const secret = await getService(strapi, 'keys').secret();
      const links = linkEvents(
        secret,
        input.subject,
        { seq: Number(summary.chain_seq ?? 0), hash: summary.chain_head ?? null },
        list as unknown as Parameters<typeof linkEvents>[3]
      );
      list.forEach((data, i) => Object.assign(data, links[i]));
      const last = links[links.length - 1];

      const step: WriteStep = {
        trx,
        subject: input.subject,
        occurredAt,
        summary,
        purposeRows,
        states,
        finalWrite: options.finalWrite,
        chain: { seq: last.chainSeq, head: last.hash },
      };
      const events =
        dialectOf(strapi) === 'mysql'
          ? await this.writeStepByStep(step, await this.createEventsOneByOne(list))
          : await this.writeEvents(step, await this.beforeCreateEvents(list));

      onCommit(() => {
        for (const event of events) {
          strapi.eventHub.emit(HUB_EVENT.recorded, { subject: event.subject, purpose: event.purposeKey, decision: event.decision, event });
          // Also what Strapi webhooks send: without the event's personal fields.
          strapi.eventHub.emit(HUB_EVENT[event.decision as Decision], getService(strapi, 'webhooks').decisionPayload(event));
        }
      });
      return { events, purposes: purposeRows, states };
    });
  },

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
        : foldEvents((await strapi.db.query(UID.event).findMany({ where: { subject, purposeKey: event.purposeKey } })) as EventRow[]);
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
    const { trx, subject, states } = step;
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

    // The states after the decisions, as the statement below writes them.
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
    const extra = step.finalWrite?.(trx, { purposes: step.purposeRows, states });

    const insert = insertReturning(
      strapi,
      UID.event,
      pending.map(({ params }) => toColumns(strapi, UID.event, params.data))
    );
    const withs = [`consent_ev AS (${insert.sql})`];
    const bindings: unknown[] = [...insert.bindings];
    if (changedKeys.length > 0) {
      withs.push(
        `consent_st AS (INSERT INTO ${TABLE.state} (document_id, subject, purpose_key, decision, explicit, text_id, text_version, ` +
          `text_major, text_hash, text_locale, channel, event_id, decided_at, created_at, updated_at, published_at) ` +
          `SELECT n.document_id, e.subject, e.purpose_key, e.decision, e.explicit, e.text_id, e.text_version, e.text_major, ` +
          `e.text_hash, e.text_locale, e.channel, e.id, e.occurred_at, e.created_at, e.created_at, e.created_at ` +
          `FROM consent_ev e JOIN (VALUES ${changedKeys.map(() => '(?, ?)').join(', ')}) AS n (purpose_key, document_id) ` +
          `ON n.purpose_key = e.purpose_key ` +
          `ON CONFLICT (subject, purpose_key) DO UPDATE SET ${STATE_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')})`
      );
      bindings.push(...changedKeys.flatMap((key) => [key, newDocumentId()]));
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
    const result = (await preparedRaw(strapi, trx, `WITH ${withs.join(', ')} SELECT * FROM consent_ev`, bindings as Knex.Value[])) as {
      rows: Record<string, unknown>[];
    };
    const events = await this.afterCreateEvents(result.rows, pending);
    for (const event of events) {
      const state = states.get(event.purposeKey);
      if (state && changedKeys.includes(event.purposeKey)) states.set(event.purposeKey, { ...state, eventId: event.id });
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
      pending.push({ params, states: await strapi.db.lifecycles.run('beforeCreate', UID.event, { params }) });
    }
    return pending;
  },

  /**
   * The stored rows (RETURNING *) in the query engine's shape, in input order,
   * then each event's afterCreate lifecycles with its row, as the query engine
   * runs them (a subscriber that throws rolls everything back).
   */
  async afterCreateEvents(rows: Record<string, unknown>[], pending: PendingEvent[]): Promise<EventRow[]> {
    // One row per VALUES tuple; ids are drawn in VALUES order. Checked, not assumed.
    const events = rows.map((row) => fromColumns<EventRow>(strapi, UID.event, row)).sort((a, b) => a.id - b.id);
    const matches = events.length === pending.length && events.every((e, i) => e.purposeKey === pending[i].params.data.purposeKey);
    if (!matches) throw new Error('consent: the event insert returned rows that do not match the input');
    for (let i = 0; i < pending.length; i += 1) {
      await strapi.db.lifecycles.run('afterCreate', UID.event, { params: pending[i].params, result: events[i] }, pending[i].states);
    }
    return events;
  },

  /** MySQL/MariaDB have no RETURNING: the query engine creates the events one by one. */
  async createEventsOneByOne(list: Record<string, unknown>[]): Promise<EventRow[]> {
    const created: EventRow[] = [];
    for (const data of list) created.push((await strapi.db.query(UID.event).create({ data })) as EventRow);
    return created;
  },

  /**
   * The subject's states, read once the summary lock is held, and in the same
   * statement the purposes' version (purposes.versionSql()): purposes.listAt()
   * re-reads the purposes only when they changed since its last read.
   */
  async readStates(trx: Knex.Transaction, subject: string): Promise<{ stateRows: StateRow[]; purposesVersion: string | null }> {
    const rows = (await trx
      .select(trx.raw(`${getService(strapi, 'purposes').versionSql()} AS consent_purposes_version`), 's.*')
      .from(trx.raw('(SELECT 1 AS one) v'))
      .leftJoin({ s: TABLE.state }, (join) => join.on('s.subject', '=', trx.raw('?', [subject])))) as Record<string, unknown>[];
    return {
      purposesVersion: (rows[0]?.consent_purposes_version as string | null | undefined) ?? null,
      stateRows: rows.filter((row) => row.id != null).map((row) => fromColumns<StateRow>(strapi, UID.state, row)),
    };
  },

  /**
   * Create the subject's summary row if it is missing, take its row lock and read
   * what the summary update needs. PostgreSQL and SQLite do it in one statement
   * (an upsert whose no-op update locks the row, RETURNING the row as it is once
   * the lock is held); MySQL/MariaDB have no RETURNING: insert-ignore, then SELECT ... FOR UPDATE.
   */
  async lockSummary(trx: Knex.Transaction, subject: string): Promise<LockedSummary> {
    const now = new Date();
    const row = { document_id: newDocumentId(), subject, created_at: now, updated_at: now, published_at: now };
    const columns = ['id', 'last_event_id', 'last_decision_at', 'chain_seq', 'chain_head'];
    const dialect = dialectOf(strapi);
    if (dialect === 'postgres') {
      const [locked] = (await trx(TABLE.subject)
        .insert(row)
        .onConflict('subject')
        .merge({ subject })
        .returning([...columns, trx.raw(NEW_ROW_SQL), trx.raw(`${getService(strapi, 'purposes').versionSql()} AS purposes_version`)])) as LockedSummary[];
      return locked;
    }
    if (dialect === 'sqlite') {
      const [locked] = (await trx(TABLE.subject).insert(row).onConflict('subject').merge({ subject }).returning(columns)) as LockedSummary[];
      return locked;
    }
    await trx(TABLE.subject).insert(row).onConflict('subject').ignore();
    const lock = trx(TABLE.subject).where('subject', subject).first(columns);
    return (await (supportsRowLocks(dialect) ? lock.forUpdate() : lock)) as LockedSummary;
  },

  /**
   * PostgreSQL: the subject a relation row points to (a booking's client, through
   * the relation's join table) and lockSummary() of that subject, in ONE statement
   * (INSERT ... SELECT ... ON CONFLICT DO UPDATE ... RETURNING). Null when the
   * relation holds no subject: then nothing is written. Pass the result to
   * recordDecisions({ locked }) in the same transaction.
   */
  async lockSummaryThrough(trx: Knex.Transaction, relation: SubjectRelation, ownerId: number): Promise<LockedSubject | null> {
    if (dialectOf(strapi) !== 'postgres') throw new Error('consent: lockSummaryThrough() is for PostgreSQL');
    const id = (name: string) => `"${name.replace(/"/g, '""')}"`;
    const now = new Date();
    const result = (await preparedRaw(
      strapi,
      trx,
      `INSERT INTO ${TABLE.subject} (document_id, subject, created_at, updated_at, published_at) ` +
        `SELECT ?, s.document_id, ?, ?, ? FROM ${id(relation.joinTable)} l JOIN ${id(relation.subjectTable)} s ` +
        `ON s.id = l.${id(relation.subjectColumn)} WHERE l.${id(relation.ownerColumn)} = ? LIMIT 1 ` +
        `ON CONFLICT (subject) DO UPDATE SET subject = EXCLUDED.subject ` +
        `RETURNING id, subject, last_event_id, last_decision_at, chain_seq, chain_head, ${NEW_ROW_SQL}, ` +
        `${getService(strapi, 'purposes').versionSql()} AS purposes_version`,
      [newDocumentId(), now, now, now, ownerId]
    )) as { rows: (LockedSummary & { subject: string })[] };
    const row = result.rows[0];
    if (!row) return null;
    const { subject, ...summary } = row;
    return { subject, summary };
  },

  /**
   * The changed states as one statement: an upsert on (subject, purpose_key).
   * The summary lock is held, so no other writer touches this subject's states
   * meanwhile; an existing row keeps its id, document id and created_at.
   */
  stateWrite(trx: Knex.Transaction, changed: ReturnType<typeof stateData>[]): Knex.QueryBuilder | null {
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
    return trx(TABLE.state).insert(rows).onConflict(['subject', 'purpose_key']).merge(STATE_COLUMNS);
  },
});

export default ledger;
