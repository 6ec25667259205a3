/** Shapes of the plugin's admin API (server/src/routes/admin.ts), as the admin panel reads them. */

export const SUBJECT_STATES = ['valid', 'missing', 'outdated', 'pending', 'refused', 'withdrawn', 'revoked', 'expired'] as const;
export type SubjectState = (typeof SUBJECT_STATES)[number];
/** Filters of the clients list: all, valid, invalid (= no valid consent) and the finer states. */
export const CLIENT_FILTERS = ['all', 'valid', 'invalid', 'missing', 'outdated', 'pending', 'refused', 'withdrawn', 'revoked', 'expired'] as const;
export type ClientFilter = (typeof CLIENT_FILTERS)[number];

export const LEGAL_BASES = ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export interface Purpose {
  id: number;
  documentId: string;
  key: string;
  name: string;
  description: string | null;
  legalBasis: LegalBasis;
  specialCategory: boolean;
  marketing: boolean;
  doubleOptIn: boolean;
  required: boolean;
  active: boolean;
  position: number | null;
  currentMajor: number | null;
  currentMinor: number | null;
}

export interface TextBody {
  title: string;
  text: string;
  sha256?: string;
}

export interface TextVersion {
  id: number;
  documentId: string;
  purposeKey: string;
  version: string;
  major: number;
  minor: number;
  changeKind: 'initial' | 'substantive' | 'editorial';
  defaultLocale: string;
  bodies: Record<string, TextBody>;
  summary: string | null;
  releasedAt: string;
  releasedByName: string | null;
}

export interface LastRequest {
  status: string;
  channel: string | null;
  sentAt: string | null;
  createdAt: string;
}

export interface ClientRow {
  documentId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  status: SubjectState;
  valid: boolean;
  lastDecisionAt: string | null;
  lastRequest: LastRequest | null;
}

export interface Overview {
  counts: Record<'total' | 'valid' | 'invalid' | SubjectState, number>;
  trend: { date: string; given: number; withdrawn: number }[];
  campaigns: Campaign[];
}

export interface Campaign {
  documentId: string;
  name: string;
  status: 'running' | 'paused' | 'cancelled' | 'completed';
  total: number;
  counts: Partial<Record<string, number>>;
  createdAt?: string;
  startedByName?: string | null;
}

export interface ConsentRequest {
  id: number;
  documentId: string;
  subject: string;
  /** The client's name (GET /consent/requests only), null when the client has none or is gone. */
  subjectName?: string | null;
  kind: 'consent' | 'information';
  status: string;
  channel: 'email' | 'sms' | null;
  reason: string | null;
  sentAt: string | null;
  expiresAt: string | null;
  answeredAt: string | null;
  requestedByName: string | null;
  campaign: string | null;
  createdAt: string;
}

export interface PurposeState {
  purpose: string;
  name: string;
  legalBasis: LegalBasis;
  requiresConsent: boolean;
  required: boolean;
  explicit: boolean;
  status: SubjectState;
  currentVersion: string | null;
  decision: {
    decision: string;
    version: string | null;
    locale: string | null;
    explicit: boolean;
    channel: string | null;
    decidedAt: string;
  } | null;
}

/** Decisions from a public booking page, held until the client confirms them by link. */
export interface PendingConfirmation {
  request: string;
  status: 'queued' | 'sent';
  channel: 'email' | 'sms' | null;
  sentAt: string | null;
  expiresAt: string | null;
  booking: { uid: string; documentId: string } | null;
  heldAt: string;
  decisions: { purpose: string; decision: 'given' | 'refused'; version?: string; explicit?: boolean }[];
}

export interface SubjectConsent {
  subject: string;
  valid: boolean;
  status: SubjectState;
  lastDecisionAt: string | null;
  purposes: PurposeState[];
  pending: PendingConfirmation[];
}

export interface ConsentEvent {
  id: number;
  documentId: string;
  purposeKey: string;
  decision: string;
  explicit: boolean;
  textVersion: string | null;
  textLocale: string | null;
  channel: string;
  source: string | null;
  actorType: 'subject' | 'admin' | 'system';
  actorName: string | null;
  occurredAt: string;
  note: string | null;
}

export interface PluginConfigView {
  subject: { uid: string; name?: string; email?: string; phone?: string; language?: string | null };
  bookings: { uid: string; subject: string; requirement: 'none' | 'warn' | 'block' }[];
  locales: string[];
  defaultLocale: string;
}

export interface PreviewResult {
  purpose: string;
  currentVersion: string | null;
  nextVersion: string;
  changeKind: 'initial' | 'substantive' | 'editorial';
  diff: { locale: string; title: { from: string | null; to: string }; lines: { op: 'same' | 'add' | 'remove'; text: string }[] }[];
  affected: { clients: number; description?: string };
}

export interface MessageTemplate {
  subject: string;
  body: string;
  sms: string;
}

export interface Settings {
  requestTtlDays: number;
  reminderDaysBeforeExpiry: number;
  channels: { email: boolean; sms: boolean };
  sender: { from: string | null; replyTo: string | null; organisation: string };
  informationMail: boolean;
  templates: Record<string, Record<'request' | 'reminder' | 'information' | 'confirmation', MessageTemplate>>;
  /** Who the consent receipts name as data controller. */
  controller?: ControllerDetails;
}

/** The message of an error from useFetchClient (Strapi's error shape), for a notification. */
export const errorMessage = (error: unknown): string | null => {
  const e = error as { response?: { data?: { error?: { message?: string } } }; message?: string };
  return e?.response?.data?.error?.message ?? e?.message ?? null;
};

/* Data rights (issue 6): export, receipts, erasure, retention, import, proof, audit. */

export const EXPORT_FORMATS = ['csv', 'json', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const RECEIPT_FORMATS = ['kantara', 'iso27560'] as const;
export type ReceiptFormat = (typeof RECEIPT_FORMATS)[number];

/** GET /consent/subjects/:subject/receipt: the receipt, and its JWS when a signing key is configured. */
export interface ReceiptResult {
  receipt: Record<string, unknown>;
  jws?: string | null;
}

/** Who the receipts name as controller (settings.controller). */
export interface ControllerDetails {
  name: string | null;
  contact: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  country: string | null;
  privacyPolicyUrl: string | null;
}
export const CONTROLLER_FIELDS = ['name', 'contact', 'email', 'phone', 'address', 'country', 'privacyPolicyUrl'] as const;

/**
 * What an erasure touched (a dry run: would touch), flat: client, events (redacted),
 * requests, requestsCancelled, tokens, and per related uid (api::booking.booking) its documents.
 */
export type ErasureCounts = Record<string, number>;

/** What happens to the documents of a related type (dataSubject.related[].onErase). */
export interface RelatedOutcome {
  uid: string;
  onErase: 'keep' | 'anonymise' | 'delete';
  documents: number;
}

/** A client's erasure record (no personal data: the identifiers only as keyed digests). */
export interface ErasureRecord {
  id: number;
  documentId: string;
  subject: string;
  reason: string;
  origin: 'request' | 'retention';
  retentionRun: string | null;
  counts: ErasureCounts | null;
  erasedAt: string;
  erasedByName: string | null;
}

/**
 * POST /consent/subjects/:subject/erase: a dry run answers the counts; a real erasure
 * answers its record (the record's fields, or under `erasure`).
 */
export interface ErasureResult extends Partial<Omit<ErasureRecord, 'counts'>> {
  dryRun: boolean;
  subject: string;
  counts: ErasureCounts | null;
  related?: RelatedOutcome[];
  erasure?: ErasureRecord;
}

/** The erasure record in an erase answer, or null for a dry run. */
export const erasureRecordOf = (result: ErasureResult): ErasureRecord | null =>
  result.erasure ?? (!result.dryRun && result.erasedAt ? (result as ErasureRecord) : null);

export interface RetentionClient {
  documentId: string;
  name?: string | null;
  /** The newest of: created, last consent decision, last related record (booking). */
  lastActivityAt: string | null;
}

export interface RetentionPreview {
  inactiveMonths: number;
  cutoff: string;
  total: number;
  clients: RetentionClient[];
  next: string | null;
}

export interface RetentionRun {
  id: number;
  documentId: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  inactiveMonths: number;
  cutoff: string;
  reason: string;
  total: number;
  erased: number;
  failed: number;
  lastError?: string | null;
  createdByName: string | null;
  createdAt: string;
  startedAt?: string | null;
  finishedAt: string | null;
}

export interface ImportLine {
  line: number;
  ok: boolean;
  errors: string[];
  [key: string]: unknown;
}

export interface ImportReport {
  dryRun: boolean;
  total: number;
  valid: number;
  invalid: number;
  imported: number;
  lines: ImportLine[];
}

/** The first link the verifier found broken: which chain (client), row or checkpoint, and why. */
export interface BrokenLink {
  kind: string;
  subject?: string;
  eventId?: number;
  chainSeq?: number;
  checkpoint?: number;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  events: number;
  subjects: number;
  checkpoints: number;
  firstBroken: BrokenLink | null;
  durationMs: number;
}

/** A sealed checkpoint: the Merkle root over every chain head at that moment, chained to the previous one. */
export interface Checkpoint {
  id: number;
  seq: number;
  sealedAt: string;
  leafCount: number;
  root: string;
  previousHash: string;
  hash: string;
}

export interface AuditEntry {
  id: number;
  action: string;
  actorName: string | null;
  subject: string | null;
  outcome: string;
  details: Record<string, unknown> | null;
  occurredAt: string;
}

/** The report of a refused import travels in the error's details (a 400). */
export const errorDetails = <T>(error: unknown): T | null => {
  const e = error as { response?: { data?: { error?: { details?: T } } } };
  return e?.response?.data?.error?.details ?? null;
};
