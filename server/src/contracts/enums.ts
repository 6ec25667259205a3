/**
 * The enumerations the admin API speaks, as `as const` arrays so that the server's
 * validation (`z.enum(...)`) and the admin's selects read the same list.
 */

/** The decisions that, held for a required purpose, make consent not valid. */
const NEGATIVE_DECISIONS = ['refused', 'withdrawn', 'revoked', 'expired'] as const;

/** What a consent event says about one purpose. */
export const DECISIONS = ['given', ...NEGATIVE_DECISIONS] as const;
export type Decision = (typeof DECISIONS)[number];

/** A purpose's status for one client (`not_required`: its legal basis needs no consent). */
export const PURPOSE_STATUSES = [
  'valid',
  'missing',
  'outdated',
  ...NEGATIVE_DECISIONS,
  'not_required',
] as const;
export type PurposeStatus = (typeof PURPOSE_STATUSES)[number];

/** A client's status when it has no valid consent. */
const NOT_VALID_STATUSES = ['missing', 'outdated', 'pending', ...NEGATIVE_DECISIONS] as const;

/**
 * A client's overall status, as the clients list and the consent column show it; `erased`:
 * the client was erased (in no list or count, and nothing more is recorded for them).
 */
export const CLIENT_STATUSES = ['valid', ...NOT_VALID_STATUSES, 'erased'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

/** The filters of the admin clients list (and of a campaign's audience): all, valid, invalid and the statuses. */
export const CLIENT_STATES = ['all', 'valid', 'invalid', ...NOT_VALID_STATUSES] as const;
export type ClientState = (typeof CLIENT_STATES)[number];

/** How a decision reached the ledger. */
export const CHANNELS = [
  'booking_page',
  'email_link',
  'sms_link',
  'in_person',
  'web_form',
  'import',
  'api',
  'system',
] as const;
export type Channel = (typeof CHANNELS)[number];

/** GDPR Art. 6 legal bases; only `consent` asks the client. */
export const LEGAL_BASES = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_task',
  'legitimate_interests',
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** The special categories of personal data of GDPR Art. 9(1) a purpose can process. */
export const SPECIAL_CATEGORY_KINDS = [
  'health',
  'genetic',
  'biometric',
  'racial_or_ethnic_origin',
  'political_opinions',
  'religious_or_philosophical_beliefs',
  'trade_union_membership',
  'sex_life_or_sexual_orientation',
] as const;
export type SpecialCategoryKind = (typeof SPECIAL_CATEGORY_KINDS)[number];

export const CHANGE_KINDS = ['initial', 'substantive', 'editorial'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];
/** What an admin may choose when publishing: the first version is `initial` by itself. */
export const PUBLISH_CHANGE_KINDS = [
  'substantive',
  'editorial',
] as const satisfies readonly ChangeKind[];
export type PublishChangeKind = (typeof PUBLISH_CHANGE_KINDS)[number];

export const REQUEST_STATUSES = [
  'queued',
  'sent',
  'approved',
  'declined',
  'expired',
  'failed',
  'cancelled',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
/** A request still waiting for its client: it can be cancelled, not sent again. */
export const OPEN_REQUEST_STATUSES = ['queued', 'sent'] as const satisfies readonly RequestStatus[];

export const REQUEST_CHANNELS = ['email', 'sms'] as const;
export type RequestChannel = (typeof REQUEST_CHANNELS)[number];

export const CAMPAIGN_STATUSES = ['running', 'paused', 'cancelled', 'completed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const CAMPAIGN_ACTIONS = ['pause', 'resume', 'cancel'] as const;
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number];

/** What the audit trail records (consent-audit.action). */
export const AUDIT_ACTIONS = [
  'export.history',
  /** The events of one source across all clients (GET /consent/events/export). */
  'export.events',
  'export.receipt',
  'export.access',
  'receipt.verify',
  'erase.subject',
  'retention.preview',
  'retention.run',
  'import.dry-run',
  'import.run',
  'proof.verify',
  'proof.checkpoint',
  'export.dsr-register',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const EXPORT_FORMATS = ['csv', 'json', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const RECEIPT_FORMATS = ['kantara', 'iso27560'] as const;
export type ReceiptFormat = (typeof RECEIPT_FORMATS)[number];

/** How an import's `client` column names a client: detected per line (auto), or one kind for the whole file. */
export const IMPORT_MATCHES = ['auto', 'email', 'phone', 'documentId'] as const;
export type ImportMatch = (typeof IMPORT_MATCHES)[number];

/** The messages a locale's templates hold. */
export const MESSAGE_KINDS = ['request', 'reminder', 'information', 'confirmation'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** The consent events a Strapi webhook can receive (Settings > Webhooks), after the transaction that caused them commits. */
export const WEBHOOK_EVENTS = [
  'consent.given',
  'consent.refused',
  'consent.withdrawn',
  'consent.expired',
  'consent.erased',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** RBAC actions of the plugin: registered by the server, checked on every admin route, asked for by the admin. */
export const PERMISSIONS = {
  read: 'plugin::consent.read',
  record: 'plugin::consent.record',
  manageTexts: 'plugin::consent.texts.manage',
  requests: 'plugin::consent.requests',
  settings: 'plugin::consent.settings',
  /** Export a client's history, receipts and the subject access archive. */
  export: 'plugin::consent.export',
  /** Erase clients (one, or by a retention rule). */
  erase: 'plugin::consent.erase',
  /** Import legacy consents from CSV. */
  import: 'plugin::consent.import',
  /** Verify the event chain, seal checkpoints, read the audit trail. */
  proof: 'plugin::consent.proof',
  /**
   * Read the register of data-subject requests and export it. Named dsr-read, not dsr.read:
   * the admin's useRBAC names a result after the action's last dot-segment (canRead would clash).
   */
  dsrRead: 'plugin::consent.dsr-read',
  /** Register, verify, progress, extend and close data-subject requests. */
  dsrHandle: 'plugin::consent.dsr-handle',
} as const;
export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];
