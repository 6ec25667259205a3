import type { Core } from '@strapi/strapi';
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
  type Decision,
  type PurposeState,
} from '../domain/state-machine';
import { parseVersion } from '../domain/version';
import { dialectOf, supportsRowLocks } from '../utils/dialect';
import { newDocumentId } from '../utils/document-id';
import { getService } from '../utils/get-service';
import type { DecisionInput } from '../validation/decision';
import { bodyFor } from './texts';
import type { Actor, EventRow, PurposeRow, StateRow, SummaryRow, TextRow } from './types';

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

    // One after another: these run on the transaction's single connection.
    const resolved = [];
    for (const w of wanted) {
      resolved.push({ ...w, text: await getService(strapi, 'texts').findVersion(w.purpose.key, w.major, w.minor) });
    }
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
    if (input.decisions.length === 0) return [];
    await getService(strapi, 'subjects').assertExists(input.subject);
    const occurredAt = input.occurredAt ?? new Date();

    return strapi.db.transaction(async ({ trx, onCommit }) => {
      // Serialise writers per subject: concurrent decisions of one client apply in order.
      const now = new Date();
      await trx(TABLE.subject)
        .insert({ document_id: newDocumentId(), subject: input.subject, created_at: now, updated_at: now, published_at: now })
        .onConflict('subject')
        .ignore();
      const lock = trx(TABLE.subject).where('subject', input.subject).first('id');
      const summary = await (supportsRowLocks(dialectOf(strapi)) ? lock.forUpdate() : lock);

      const purposeRows = await getService(strapi, 'purposes').list();
      const purposes = new Map(purposeRows.map((p) => [p.key, p]));
      const stateRows = (await strapi.db.query(UID.state).findMany({ where: { subject: input.subject } })) as StateRow[];
      const states = new Map(stateRows.map((s) => [s.purposeKey, s]));

      const items = await this.resolveTexts(purposes, input, states);

      const events: EventRow[] = [];
      for (const { decision, purpose, text } of items) {
        const chosen = text ? bodyFor(text, input.locale) : null;
        const event = (await strapi.db.query(UID.event).create({
          data: {
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
          },
        })) as EventRow;
        events.push(event);

        const previous = states.get(purpose.key) ?? null;
        const current = previous ? toState(previous) : null;
        const next = isInOrder(current, event)
          ? applyEvent(current, event)
          : foldEvents(
              (await strapi.db.query(UID.event).findMany({
                where: { subject: input.subject, purposeKey: purpose.key },
              })) as EventRow[]
            );
        if (next && next.event.id !== current?.event.id) {
          const data = stateData(input.subject, next.event as EventRow);
          const saved = (previous
            ? await strapi.db.query(UID.state).update({ where: { id: previous.id }, data })
            : await strapi.db.query(UID.state).create({ data })) as StateRow;
          states.set(purpose.key, saved);
        }
      }

      const fingerprint = subjectFingerprint(purposeRows, (purposeId) => {
        const purpose = purposeRows.find((p) => p.id === purposeId);
        const row = purpose ? states.get(purpose.key) : undefined;
        return row ? toState(row) : null;
      });
      const previousSummary = (await strapi.db.query(UID.subject).findOne({ where: { id: summary.id } })) as SummaryRow;
      const latest = (a: string | Date | null, b: string | Date): Date =>
        a && new Date(a).getTime() > new Date(b).getTime() ? new Date(a) : new Date(b);
      await strapi.db.query(UID.subject).update({
        where: { id: summary.id },
        data: {
          requiredFingerprint: fingerprint,
          lastEventId: Math.max(previousSummary.lastEventId ?? 0, ...events.map((e) => e.id)),
          lastDecisionAt: latest(previousSummary.lastDecisionAt, occurredAt),
        },
      });

      onCommit(() => {
        for (const event of events) {
          const payload = { subject: event.subject, purpose: event.purposeKey, decision: event.decision, event };
          strapi.eventHub.emit(HUB_EVENT.recorded, payload);
          strapi.eventHub.emit(HUB_EVENT[event.decision as Decision], payload);
        }
      });
      return events;
    });
  },
});

export default ledger;
