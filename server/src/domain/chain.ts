import { createHash, createHmac } from 'node:crypto';

/**
 * The per-subject hash chain of consent events: the canonical form an event's
 * hash covers, and how it is computed. Pure: the ledger (writing), the verifier,
 * the backfill and the benchmark seed all call these functions, so the bytes
 * hashed are the same everywhere.
 *
 * The hash never covers personal data directly: `evidenceDigest` is a keyed
 * digest (HMAC under the proof secret) of the personal fields, so erasure can set
 * those fields to null and the chain still verifies.
 */

export const CHAIN_VERSION = 'consent-chain:v1';

/** The label of the evidence digest (keys.digest(label, value) computes the same bytes). */
export const EVIDENCE_LABEL = 'event-evidence';

/** An event as read back from any database: booleans and integers may be 0/1 or strings, dates strings, numbers or Dates. */
export interface ChainEventInput {
  subject: string;
  purposeKey: string;
  decision: string;
  explicit: unknown;
  textId?: string | null;
  textVersion?: string | null;
  textMajor?: unknown;
  textHash?: string | null;
  textLocale?: string | null;
  channel: string;
  source?: string | null;
  actorType: string;
  actorId?: string | null;
  actorName?: string | null;
  occurredAt: unknown;
  bookingId?: string | null;
  requestId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  note?: string | null;
}

export interface ChainLink {
  chainSeq: number;
  prevHash: string;
  evidenceDigest: string;
  hash: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The previous hash of a subject's first event. */
export const genesisHash = (subject: string): string => sha256(`${CHAIN_VERSION}:${subject}`);

const str = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

/** MySQL and SQLite return booleans as 0/1 (numbers or strings). */
export const normaliseBoolean = (value: unknown): boolean =>
  value === true || value === 1 || value === '1' || value === 't' || value === 'true';

export const normaliseInteger = (value: unknown): number | null => {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`consent chain: not an integer: ${String(value)}`);
  return n;
};

/**
 * A date as every database gives it back: columns are datetime(6) (microseconds)
 * on PostgreSQL and MySQL and milliseconds on SQLite, and a JS Date holds
 * milliseconds, so the ISO string at millisecond precision is what reads back.
 */
export const normaliseDate = (value: unknown): string => {
  const date =
    value instanceof Date
      ? value
      : new Date(
          typeof value === 'string' && /^\d+$/.test(value)
            ? Number(value)
            : (value as string | number)
        );
  if (Number.isNaN(date.getTime())) throw new Error(`consent chain: not a date: ${String(value)}`);
  return date.toISOString();
};

/** The personal fields (domain/evidence PERSONAL_EVENT_FIELDS) in canonical form: what the evidence digest covers. */
export const canonicalEvidence = (
  event: Pick<ChainEventInput, 'ip' | 'userAgent' | 'note' | 'actorName'>
): string =>
  JSON.stringify([str(event.ip), str(event.userAgent), str(event.note), str(event.actorName)]);

/** keys.digest(EVIDENCE_LABEL, canonicalEvidence(event)), with the secret in hand (no await per event). */
export const evidenceDigest = (
  secret: Buffer,
  event: Pick<ChainEventInput, 'ip' | 'userAgent' | 'note' | 'actorName'>
): string =>
  createHmac('sha256', secret)
    .update(`${EVIDENCE_LABEL}\u0000${canonicalEvidence(event)}`)
    .digest('hex');

/**
 * What the event hash covers, in a fixed order behind a version tag. An admin's
 * name is staff data that erasure keeps, so it is covered directly too (null for
 * a client's own name, which only the evidence digest covers): a redacted event,
 * whose digest the verifier has to trust, still has its recorder's name checked.
 */
export const canonicalEvent = (
  event: ChainEventInput,
  link: { chainSeq: number; prevHash: string; evidenceDigest: string }
): string =>
  JSON.stringify([
    CHAIN_VERSION,
    String(event.subject),
    link.chainSeq,
    link.prevHash,
    String(event.purposeKey),
    String(event.decision),
    normaliseBoolean(event.explicit),
    str(event.textId),
    str(event.textVersion),
    normaliseInteger(event.textMajor),
    str(event.textHash),
    str(event.textLocale),
    String(event.channel),
    str(event.source),
    String(event.actorType),
    str(event.actorId),
    event.actorType === 'subject' ? null : str(event.actorName),
    normaliseDate(event.occurredAt),
    str(event.bookingId),
    str(event.requestId),
    link.evidenceDigest,
  ]);

export const eventHash = (
  event: ChainEventInput,
  link: { chainSeq: number; prevHash: string; evidenceDigest: string }
): string => sha256(canonicalEvent(event, link));

/**
 * The links of events appended, in order, to a chain whose head is (seq, head):
 * (0, null) for a subject without events.
 */
export const linkEvents = (
  secret: Buffer,
  subject: string,
  head: { seq: number; hash: string | null },
  events: ChainEventInput[]
): ChainLink[] => {
  let seq = head.seq;
  let prev = head.hash ?? genesisHash(subject);
  return events.map((event) => {
    seq += 1;
    const digest = evidenceDigest(secret, event);
    const hash = eventHash(event, { chainSeq: seq, prevHash: prev, evidenceDigest: digest });
    const link = { chainSeq: seq, prevHash: prev, evidenceDigest: digest, hash };
    prev = hash;
    return link;
  });
};

/** A raw event row (snake_case columns) as domain/chain reads it. */
export const chainInputFromRow = (row: Record<string, unknown>): ChainEventInput => ({
  subject: row.subject as string,
  purposeKey: row.purpose_key as string,
  decision: row.decision as string,
  explicit: row.explicit,
  textId: row.text_id as string | null,
  textVersion: row.text_version as string | null,
  textMajor: row.text_major,
  textHash: row.text_hash as string | null,
  textLocale: row.text_locale as string | null,
  channel: row.channel as string,
  source: row.source as string | null,
  actorType: row.actor_type as string,
  actorId: row.actor_id as string | null,
  actorName: row.actor_name as string | null,
  occurredAt: row.occurred_at,
  bookingId: row.booking_id as string | null,
  requestId: row.request_id as string | null,
  ip: row.ip as string | null,
  userAgent: row.user_agent as string | null,
  note: row.note as string | null,
});
