import type { Decision, SubjectReason } from './domain/state-machine';
import type { Channel, ClientState } from './constants';
import type { Purpose } from './contracts';

/** A purpose as stored: what the admin API shows, and the document id of its current text. */
export interface PurposeRow extends Purpose {
  currentTextId: string | null;
}

export interface TextBody {
  title: string;
  text: string;
  sha256: string;
}

export interface TextRow {
  id: number;
  documentId: string;
  purposeKey: string;
  major: number;
  minor: number;
  version: string;
  changeKind: 'initial' | 'substantive' | 'editorial';
  defaultLocale: string;
  bodies: Record<string, TextBody>;
  summary: string | null;
  releasedAt: string;
  releasedById: string | null;
  releasedByName: string | null;
}

/** A decision about one purpose and the text version it was made on: what an event records and a state keeps. */
interface DecisionOnText {
  subject: string;
  purposeKey: string;
  decision: Decision;
  explicit: boolean;
  textId: string | null;
  textVersion: string | null;
  textMajor: number | null;
  textHash: string | null;
  textLocale: string | null;
}

export interface EventRow extends DecisionOnText {
  id: number;
  documentId: string;
  channel: Channel;
  source: string | null;
  actorType: 'subject' | 'admin' | 'system';
  actorId: string | null;
  actorName: string | null;
  occurredAt: string;
  ip: string | null;
  userAgent: string | null;
  bookingId: string | null;
  requestId: string | null;
  note: string | null;
}

export interface StateRow extends DecisionOnText {
  id: number;
  channel: string | null;
  eventId: number;
  decidedAt: string;
}

export interface SummaryRow {
  id: number;
  subject: string;
  requiredFingerprint: string | null;
  reason: SubjectReason | null;
  lastEventId: number | null;
  lastDecisionAt: string | null;
  erasedAt?: string | null;
}

/** Who recorded a decision: the subject themself, an admin user, or the system (jobs, imports). */
export interface Actor {
  type: 'subject' | 'admin' | 'system';
  id?: string | number | null;
  name?: string | null;
}

export { REQUEST_STATUSES } from './contracts';
import type { RequestStatus } from './contracts';
export type { RequestStatus };

/** A consent request (or information mail): a row of the send queue. */
export interface RequestRow {
  id: number;
  documentId: string;
  subject: string;
  kind: 'consent' | 'information';
  status: RequestStatus;
  held: boolean;
  channel: 'email' | 'sms' | null;
  requestLocale: string | null;
  /** Purposes asked about; null: every active purpose that is based on consent. */
  purposeKeys: string[] | null;
  /** A confirmation's held decisions (services/confirmations.ts); null for other requests. */
  pending: unknown;
  /** A confirmation's origin, e.g. `booking:<uid>:<documentId>`; null for other requests. */
  origin: string | null;
  campaign: string | null;
  attempts: number;
  nextAttemptAt: string;
  leaseOwner: string | null;
  leaseUntil: string | null;
  reason: string | null;
  sentAt: string | null;
  expiresAt: string | null;
  reminderAt: string | null;
  reminderSentAt: string | null;
  answeredAt: string | null;
  requestedById: string | null;
  requestedByName: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TokenRow {
  id: number;
  documentId: string;
  tokenHash: string;
  request: string;
  subject: string;
  expiresAt: string;
}

export interface CampaignRow {
  id: number;
  documentId: string;
  name: string;
  status: 'running' | 'paused' | 'cancelled' | 'completed';
  audience: Audience;
  purposeKeys: string[] | null;
  /** Refused and withdrawn purposes asked again without a substantive change (false by default). */
  askAgainRefused: boolean | null;
  total: number;
  reminder: boolean;
  startedById: string | null;
  startedByName: string | null;
  finishedAt: string | null;
  createdAt: string;
}

/** Who a campaign asks: every client without valid consent, a selection, or the clients of a list filter. */
export type Audience =
  | { consent: 'invalid' }
  | { subjects: string[] }
  | { state: ClientState; q?: string };
