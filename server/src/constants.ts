export const PLUGIN_ID = 'consent';

export const UID = {
  purpose: 'plugin::consent.purpose',
  text: 'plugin::consent.consent-text',
  event: 'plugin::consent.consent-event',
  state: 'plugin::consent.consent-state',
  subject: 'plugin::consent.consent-subject',
  bookingCheck: 'plugin::consent.booking-check',
  request: 'plugin::consent.consent-request',
  token: 'plugin::consent.consent-token',
  campaign: 'plugin::consent.consent-campaign',
  checkpoint: 'plugin::consent.consent-checkpoint',
  checkpointLeaf: 'plugin::consent.consent-checkpoint-leaf',
  erasure: 'plugin::consent.consent-erasure',
  retentionRun: 'plugin::consent.retention-run',
  audit: 'plugin::consent.consent-audit',
  intakeCounter: 'plugin::consent.intake-counter',
  dsrRequest: 'plugin::consent.dsr-request',
  dsrHistory: 'plugin::consent.dsr-history',
  dsrSubmission: 'plugin::consent.dsr-submission',
} as const;

/** Table names, as declared by `collectionName` in content-types/. */
export const TABLE = {
  purpose: 'consent_purposes',
  text: 'consent_texts',
  event: 'consent_events',
  state: 'consent_states',
  subject: 'consent_subjects',
  bookingCheck: 'consent_booking_checks',
  request: 'consent_requests',
  token: 'consent_tokens',
  campaign: 'consent_campaigns',
  checkpoint: 'consent_checkpoints',
  checkpointLeaf: 'consent_checkpoint_leaves',
  erasure: 'consent_erasures',
  retentionRun: 'consent_retention_runs',
  audit: 'consent_audit',
  intakeCounter: 'consent_intake_counters',
  dsrRequest: 'consent_dsr_requests',
  dsrHistory: 'consent_dsr_history',
  dsrSubmission: 'consent_dsr_submissions',
} as const;

/** RBAC actions of the plugin (registered in bootstrap, checked on every admin route). */
export { PERMISSIONS as ACTION } from './contracts';

/** Events emitted on strapi.eventHub, after the transaction that caused them commits. */
export const HUB_EVENT = {
  recorded: 'consent.recorded',
  given: 'consent.given',
  refused: 'consent.refused',
  withdrawn: 'consent.withdrawn',
  revoked: 'consent.revoked',
  expired: 'consent.expired',
  textPublished: 'consent.text.published',
  /** A client was erased (anonymised); payload { subject, erasure }. */
  erased: 'consent.erased',
  /** A checkpoint sealed the chain heads; payload { checkpoint }. */
  checkpointSealed: 'consent.checkpoint.sealed',
} as const;

/**
 * Strapi webhook events (Settings > Webhooks) the plugin offers. Fired after the
 * transaction that caused them commits.
 */
export const WEBHOOK_EVENT = {
  given: 'consent.given',
  refused: 'consent.refused',
  withdrawn: 'consent.withdrawn',
  expired: 'consent.expired',
  erased: 'consent.erased',
} as const;

export { AUDIT_ACTIONS, CHANNELS, CLIENT_STATES, LEGAL_BASES } from './contracts';
export type { AuditAction, Channel, ClientState, LegalBasis } from './contracts';
