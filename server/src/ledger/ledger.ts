import type { Core } from '@strapi/strapi';
import { errors } from '../utils/strapi-errors';
import createError from 'http-errors';
import { HUB_EVENT, type Channel } from '../constants';
import { needsConsent, needsExplicitConsent, type Decision } from '../domain/state-machine';
import { linkEvents } from '../domain/chain';
import { parseVersion } from '../domain/version';
import { dialectOf } from '../utils/dialect';
import { getService } from '../utils/get-service';
import type { DecisionInput } from '../validation/decision';
import { bodyFor, versionKey } from '../texts';
import ledgerWriter, { type FinalWrite, type WriteStep } from './ledger-writer';
import { writeFirstDecisions } from './first-decisions';
import {
  lockSummary,
  readStates,
  type LockedSubject,
  type LockedSummary,
  type SubjectRelation,
} from './queries';
import type { Actor, EventRow, PurposeRow, StateRow, TextRow } from '../types';
import { transaction } from '../utils/transaction';
import { erasedSubjectError } from './errors';

export type { FinalWrite } from './ledger-writer';

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
  createError(
    409,
    'The consent text changed since it was shown: fetch the current texts and ask again',
    {
      name: 'StaleVersionError',
      details: { stale },
    }
  );

type Problem = { path: (string | number)[]; message: string };

const fail = (problems: Problem[]): never => {
  throw new errors.ValidationError(problems[0].message, { errors: problems });
};

export type { SubjectRelation } from './queries';

export interface RecordResult {
  events: EventRow[];
  /** The purposes as read in the transaction (null when there was nothing to record). */
  purposes: PurposeRow[] | null;
  /** The subject's states by purpose key, after the decisions. */
  states: Map<string, StateRow> | null;
}

/**
 * The ledger: records decisions as append-only events and keeps the consent
 * state and the subject's summary in the same transaction.
 */
const ledger = ({ strapi }: { strapi: Core.Strapi }) => {
  const writer = ledgerWriter(strapi);
  return {
    /** Resolve which text each decision is about, and reject what cannot be recorded. */
    async resolveTexts(
      purposes: Map<string, PurposeRow>,
      input: RecordInput,
      states: Map<string, StateRow>
    ): Promise<{ decision: DecisionInput; purpose: PurposeRow; text: TextRow | null }[]> {
      const problems: Problem[] = [];
      const stale: { purpose: string; version: string; current: string }[] = [];
      const seen = new Set<string>();
      const wanted: {
        index: number;
        purpose: PurposeRow;
        major: number;
        minor: number;
      }[] = [];

      input.decisions.forEach((decision, index) => {
        const purpose = purposes.get(decision.purpose);
        const path = ['decisions', index];
        if (seen.has(decision.purpose)) {
          problems.push({
            path: [...path, 'purpose'],
            message: `purpose "${decision.purpose}" appears twice`,
          });
          return;
        }
        seen.add(decision.purpose);
        if (!purpose || !purpose.active) {
          problems.push({
            path: [...path, 'purpose'],
            message: `unknown purpose "${decision.purpose}"`,
          });
          return;
        }
        if (!needsConsent(purpose)) {
          problems.push({
            path: [...path, 'purpose'],
            message: `purpose "${purpose.key}" is based on ${purpose.legalBasis}, not consent: there is nothing to decide`,
          });
          return;
        }
        if (
          decision.decision === 'given' &&
          needsExplicitConsent(purpose) &&
          decision.explicit !== true
        ) {
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
        } else if (
          decision.decision !== 'given' &&
          decision.decision !== 'refused' &&
          state?.textVersion
        ) {
          // A withdrawal is about the text the subject had agreed to.
          const parsed = parseVersion(state.textVersion);
          major = parsed?.major ?? major;
          minor = parsed?.minor ?? minor;
        }
        if (major === null || minor === null) {
          if (decision.decision === 'given' || decision.decision === 'refused') {
            problems.push({
              path: [...path, 'purpose'],
              message: `purpose "${purpose.key}" has no published text yet`,
            });
          }
          return;
        }
        if (
          (decision.decision === 'given' || decision.decision === 'refused') &&
          purpose.currentMajor !== null &&
          major < purpose.currentMajor
        ) {
          stale.push({
            purpose: purpose.key,
            version: `${major}.${minor}`,
            current: `${purpose.currentMajor}.${purpose.currentMinor}`,
          });
        }
        wanted.push({ index, purpose, major, minor });
      });
      if (problems.length > 0) fail(problems);

      // Every text version the decisions are about, in one query.
      const found = await getService(strapi, 'texts').findVersions(
        wanted.map((w) => ({
          purposeKey: w.purpose.key,
          major: w.major,
          minor: w.minor,
        }))
      );
      const resolved = wanted.map((w) => ({
        ...w,
        text: found.get(versionKey(w.purpose.key, w.major, w.minor)) ?? null,
      }));
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
     * The events' rows for the resolved decisions, linked into the subject's chain
     * after the head the summary holds. The links are computed here, before the
     * insert, so the booking path sends no extra statement: the summary row locked
     * holds the head, and the summary write moves it. The secret is cached after its first read.
     */
    async eventRows(
      input: RecordInput,
      items: { decision: DecisionInput; purpose: PurposeRow; text: TextRow | null }[],
      summary: LockedSummary,
      occurredAt: Date
    ): Promise<{ list: Record<string, unknown>[]; chain: { seq: number; head: string } }> {
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
      const secret = await getService(strapi, 'keys').secret();
      const links = linkEvents(
        secret,
        input.subject,
        { seq: Number(summary.chain_seq ?? 0), hash: summary.chain_head ?? null },
        list as unknown as Parameters<typeof linkEvents>[3]
      );
      list.forEach((data, i) => Object.assign(data, links[i]));
      const last = links[links.length - 1];
      return { list, chain: { seq: last.chainSeq, head: last.hash } };
    },

    /** The hub events of recorded events (call after commit). */
    announce(events: EventRow[]): void {
      for (const event of events) {
        strapi.eventHub.emit(HUB_EVENT.recorded, {
          subject: event.subject,
          purpose: event.purposeKey,
          decision: event.decision,
          event,
        });
        // Also what Strapi webhooks send: without the event's personal fields.
        strapi.eventHub.emit(
          HUB_EVENT[event.decision as Decision],
          getService(strapi, 'webhooks').decisionPayload(event)
        );
      }
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
      options: {
        subjectExists?: boolean;
        finalWrite?: FinalWrite;
        locked?: LockedSubject | null;
      } = {}
    ): Promise<RecordResult> {
      if (input.decisions.length === 0) return { events: [], purposes: null, states: null };
      if (!options.subjectExists) await getService(strapi, 'subjects').assertExists(input.subject);
      const occurredAt = input.occurredAt ?? new Date();
      // A summary the caller locked (lockSummaryThrough) counts only inside the caller's transaction.
      const locked =
        options.locked?.subject === input.subject && strapi.db.inTransaction()
          ? options.locked.summary
          : null;

      return transaction(strapi, async ({ trx, onCommit }) => {
        // Serialise writers per subject: concurrent decisions of one client apply in order.
        const summary = locked ?? (await lockSummary(strapi, trx, input.subject));
        if (summary.erased_at != null) throw erasedSubjectError(input.subject);

        const { stateRows, purposesVersion } =
          summary.new_row === true
            ? {
                stateRows: [] as StateRow[],
                purposesVersion: summary.purposes_version ?? null,
              }
            : await readStates(strapi, trx, input.subject);
        const states = new Map(stateRows.map((s) => [s.purposeKey, s]));
        const purposeRows = await getService(strapi, 'purposes').listAt(purposesVersion);
        const purposes = new Map(purposeRows.map((p) => [p.key, p]));

        const items = await this.resolveTexts(purposes, input, states);
        const { list, chain } = await this.eventRows(input, items, summary, occurredAt);
        const step: WriteStep = {
          trx,
          subject: input.subject,
          occurredAt,
          summary,
          purposeRows,
          states,
          finalWrite: options.finalWrite,
          chain,
          byAnyone: input.decisions.some((d) => d.decision !== 'expired'),
        };
        const events =
          dialectOf(strapi) === 'mysql'
            ? await writer.writeStepByStep(step, await writer.createEventsOneByOne(list))
            : await writer.writeEvents(step, await writer.beforeCreateEvents(list));

        onCommit(() => this.announce(events));
        return { events, purposes: purposeRows, states };
      });
    },

    /**
     * PostgreSQL: the first decisions of a subject created in this transaction,
     * recorded with a booking in ONE statement (services/first-decisions.ts), with
     * the purposes as last read (purposes.lastRead()) and no summary or states yet.
     * Null when nothing was written: the purposes are not known yet or changed, the
     * relation or the subject is not what the caller thought, or the decisions
     * need a check only the locked path makes (a refusal, a validation problem);
     * then the caller records with recordDecisions(), in the same transaction.
     * A beforeCreate lifecycle subscriber of consent events then runs again for
     * the events recorded there.
     */
    async recordFirstDecisions(
      input: RecordInput,
      options: { relation: SubjectRelation; ownerId: number; finalWrite?: FinalWrite }
    ): Promise<RecordResult | null> {
      if (
        input.decisions.length === 0 ||
        dialectOf(strapi) !== 'postgres' ||
        !strapi.db.inTransaction()
      )
        return null;
      const known = getService(strapi, 'purposes').lastRead();
      if (!known) return null;
      const occurredAt = input.occurredAt ?? new Date();
      const states = new Map<string, StateRow>();
      let items: Awaited<ReturnType<typeof this.resolveTexts>>;
      try {
        items = await this.resolveTexts(new Map(known.rows.map((p) => [p.key, p])), input, states);
      } catch {
        // Told on the locked path, against the purposes as they are in the database.
        return null;
      }
      const summary: LockedSummary = {
        id: 0,
        last_event_id: null,
        last_decision_at: null,
        chain_seq: 0,
        chain_head: null,
        new_row: true,
      };
      const { list, chain } = await this.eventRows(input, items, summary, occurredAt);
      return transaction(strapi, async ({ trx, onCommit }) => {
        const step: WriteStep = {
          trx,
          subject: input.subject,
          occurredAt,
          summary,
          purposeRows: known.rows,
          states,
          finalWrite: options.finalWrite,
          chain,
          byAnyone: input.decisions.some((d) => d.decision !== 'expired'),
        };
        const events = await writeFirstDecisions(
          strapi,
          writer,
          step,
          await writer.beforeCreateEvents(list),
          {
            relation: options.relation,
            ownerId: options.ownerId,
            purposesVersion: known.version,
          }
        );
        if (!events) return null;
        onCommit(() => this.announce(events));
        return { events, purposes: known.rows, states };
      });
    },
  };
};

export default ledger;
