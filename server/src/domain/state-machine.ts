/**
 * The consent state machine: pure functions, no Strapi, no database.
 *
 * A subject's state for one purpose is the decision in force, derived from the
 * append-only event log. The rule, which the SQL rebuild expresses too:
 *
 *   the state is the latest *decisive* event (given, refused, withdrawn,
 *   revoked); when there is none, the latest `expired` event (a request that
 *   lapsed unanswered); when there is no event at all, no state (`missing`).
 *
 * An unanswered request never overrides an answer the subject gave: a consent
 * stays given (or outdated) when a re-consent request lapses.
 *
 * Events are ordered by (occurredAt, id). Validity is derived, never stored:
 * a `given` state is valid while its text major equals the purpose's current
 * major, so publishing a substantive version costs the same for any number of
 * subjects.
 */

export { DECISIONS, PURPOSE_STATUSES } from '../contracts';
import type { Decision, PurposeStatus } from '../contracts';
export type { Decision, PurposeStatus };

export interface LedgerEvent {
  id: number;
  decision: Decision;
  /** ISO timestamp or epoch ms: compared as time. */
  occurredAt: string | number | Date;
  textMajor: number | null;
  explicit: boolean;
}

export interface PurposeState<E extends LedgerEvent = LedgerEvent> {
  decision: Decision;
  event: E;
}

export interface PurposeRules {
  id: number;
  legalBasis: string;
  specialCategory: boolean;
  required: boolean;
  active: boolean;
  currentMajor: number | null;
}

const time = (value: string | number | Date): number =>
  value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);

/** Total order of the log: by time, then by insertion id. */
export const compareEvents = (a: LedgerEvent, b: LedgerEvent): number =>
  time(a.occurredAt) - time(b.occurredAt) || a.id - b.id;

export const isDecisive = (decision: Decision): boolean => decision !== 'expired';

/**
 * Apply one event that comes after every event already folded into `state`.
 * Returns the new state (the same object when the event changes nothing).
 */
export const applyEvent = <E extends LedgerEvent>(
  state: PurposeState<E> | null,
  event: E
): PurposeState<E> | null => {
  if (!isDecisive(event.decision) && state && isDecisive(state.decision)) {
    return state;
  }
  return { decision: event.decision, event };
};

/** Fold a log (in any order) into the state in force. */
export const foldEvents = <E extends LedgerEvent>(events: readonly E[]): PurposeState<E> | null =>
  [...events].sort(compareEvents).reduce<PurposeState<E> | null>(applyEvent, null);

/**
 * Whether an event can be applied incrementally to a state, or comes before the
 * state's own event (a back-dated import, clock skew between instances) and so
 * needs the pair to be folded again from the log.
 */
export const isInOrder = (state: PurposeState | null, event: LedgerEvent): boolean =>
  state === null || compareEvents(state.event, event) < 0;

/** Consent is only asked for purposes whose legal basis is consent (GDPR Art. 6(1)(a)). */
export const needsConsent = (purpose: Pick<PurposeRules, 'legalBasis'>): boolean =>
  purpose.legalBasis === 'consent';

/** Special categories (GDPR Art. 9(2)(a)) need explicit consent: a separate, deliberate act. */
export const needsExplicitConsent = (
  purpose: Pick<PurposeRules, 'legalBasis' | 'specialCategory'>
): boolean => needsConsent(purpose) && purpose.specialCategory;

/** Does a state count as consent to the purpose's current version? */
export const isValidFor = (purpose: PurposeRules, state: PurposeState | null): boolean =>
  state !== null &&
  state.decision === 'given' &&
  purpose.currentMajor !== null &&
  state.event.textMajor === purpose.currentMajor &&
  (!needsExplicitConsent(purpose) || state.event.explicit);

export const purposeStatus = (purpose: PurposeRules, state: PurposeState | null): PurposeStatus => {
  if (!needsConsent(purpose)) return 'not_required';
  if (state === null) return 'missing';
  if (state.decision === 'given') return isValidFor(purpose, state) ? 'valid' : 'outdated';
  return state.decision;
};

/** The purposes that decide whether a subject has valid consent. */
export const requiredPurposes = <P extends PurposeRules>(purposes: readonly P[]): P[] =>
  purposes.filter((p) => p.active && p.required && needsConsent(p)).sort((a, b) => a.id - b.id);

const fingerprintPart = (purposeId: number, major: number): string => `${purposeId}:${major}`;

/**
 * What valid consent currently means: "<purposeId>:<currentMajor>" of every
 * required purpose, joined by "|". A purpose without a published text gets
 * "<purposeId>:-", a part no subject can hold (subject parts are numeric).
 */
export const currentFingerprint = (purposes: readonly PurposeRules[]): string =>
  requiredPurposes(purposes)
    .map((p) => (p.currentMajor === null ? `${p.id}:-` : fingerprintPart(p.id, p.currentMajor)))
    .join('|');

/**
 * What a subject holds: the same parts for each required purpose the subject
 * has given consent to (explicitly, where that is needed), or null when none.
 * A function of the subject's states and of which purposes are required only,
 * so publishing a new version never has to touch it: the subject has valid
 * consent exactly when it equals `currentFingerprint`.
 */
export const subjectFingerprint = (
  purposes: readonly PurposeRules[],
  stateOf: (purposeId: number) => PurposeState | null
): string | null => {
  const parts = requiredPurposes(purposes).flatMap((p) => {
    const state = stateOf(p.id);
    if (!state || state.decision !== 'given' || state.event.textMajor === null) return [];
    if (needsExplicitConsent(p) && !state.event.explicit) return [];
    return [fingerprintPart(p.id, state.event.textMajor)];
  });
  return parts.length > 0 ? parts.join('|') : null;
};

/**
 * Valid consent: given to the current major of every required purpose. With
 * no required purpose there is nothing to consent to and nobody is "valid"; a
 * shop must mark at least one purpose as required for the filter to mean anything.
 */
export const hasValidConsent = (fingerprint: string | null, current: string): boolean =>
  current !== '' && fingerprint === current;

/**
 * Why a subject lacks valid consent, at the level of decisions (independent of
 * which text major is current, so publishing never has to touch it): the first
 * of withdrawn, revoked, refused, expired, missing (a required purpose with no
 * state) found among the required purposes' states; `given` when every required
 * purpose holds a given decision. Stored in the summary row beside the
 * fingerprint; the subject's status is then derived (subjectStatus).
 */
export const SUBJECT_REASONS = [
  'withdrawn',
  'revoked',
  'refused',
  'expired',
  'missing',
  'given',
] as const;
export type SubjectReason = (typeof SUBJECT_REASONS)[number];

export const subjectReason = (
  purposes: readonly PurposeRules[],
  stateOf: (purposeId: number) => PurposeState | null
): SubjectReason => {
  const found = new Set<SubjectReason>(
    requiredPurposes(purposes).map((p) => (stateOf(p.id)?.decision ?? 'missing') as SubjectReason)
  );
  return SUBJECT_REASONS.find((r) => found.has(r)) ?? 'missing';
};

export type SubjectStatus = 'valid' | 'outdated' | Exclude<SubjectReason, 'given'>;
export const SUBJECT_STATUSES = [
  'valid',
  'outdated',
  'withdrawn',
  'revoked',
  'refused',
  'expired',
  'missing',
] as const;

/**
 * The subject's status: valid, else its reason, where "all given" but not valid
 * means some consent is to an older major (or lacks the explicit tick): outdated.
 * No required purpose at all gives reason "missing": nobody is valid then.
 */
export const subjectStatus = (valid: boolean, reason: SubjectReason | null): SubjectStatus =>
  valid ? 'valid' : reason === 'given' ? 'outdated' : (reason ?? 'missing');
