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
} as const;

/** RBAC actions of the plugin (registered in bootstrap, checked on every admin route). */
export const ACTION = {
  read: 'plugin::consent.read',
  record: 'plugin::consent.record',
  manageTexts: 'plugin::consent.texts.manage',
  requests: 'plugin::consent.requests',
  settings: 'plugin::consent.settings',
} as const;

/** Events emitted on strapi.eventHub, after the transaction that caused them commits. */
export const HUB_EVENT = {
  recorded: 'consent.recorded',
  given: 'consent.given',
  refused: 'consent.refused',
  withdrawn: 'consent.withdrawn',
  revoked: 'consent.revoked',
  expired: 'consent.expired',
  textPublished: 'consent.text.published',
} as const;

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

export const LEGAL_BASES = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_task',
  'legitimate_interests',
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** The filters of the admin clients list (and of a campaign's audience). */
export const CLIENT_STATES = [
  'all',
  'valid',
  'invalid',
  'missing',
  'outdated',
  'pending',
  'refused',
  'withdrawn',
  'revoked',
  'expired',
] as const;
export type ClientState = (typeof CLIENT_STATES)[number];
