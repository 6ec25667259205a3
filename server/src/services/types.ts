import type { Decision } from '../domain/state-machine';
import type { Channel, LegalBasis } from '../constants';

export interface PurposeRow {
  id: number;
  documentId: string;
  key: string;
  name: string;
  description: string | null;
  legalBasis: LegalBasis;
  specialCategory: boolean;
  required: boolean;
  active: boolean;
  position: number | null;
  currentMajor: number | null;
  currentMinor: number | null;
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

export interface EventRow {
  id: number;
  documentId: string;
  subject: string;
  purposeKey: string;
  decision: Decision;
  explicit: boolean;
  textId: string | null;
  textVersion: string | null;
  textMajor: number | null;
  textHash: string | null;
  textLocale: string | null;
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

export interface StateRow {
  id: number;
  subject: string;
  purposeKey: string;
  decision: Decision;
  explicit: boolean;
  textId: string | null;
  textVersion: string | null;
  textMajor: number | null;
  textHash: string | null;
  textLocale: string | null;
  channel: string | null;
  eventId: number;
  decidedAt: string;
}

export interface SummaryRow {
  id: number;
  subject: string;
  requiredFingerprint: string | null;
  lastEventId: number | null;
  lastDecisionAt: string | null;
}

/** Who recorded a decision: the subject themself, an admin user, or the system (jobs, imports). */
export interface Actor {
  type: 'subject' | 'admin' | 'system';
  id?: string | number | null;
  name?: string | null;
}
