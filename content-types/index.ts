import purpose from './purpose/schema.json';
import consentText from './consent-text/schema.json';
import consentEvent from './consent-event/schema.json';
import consentState from './consent-state/schema.json';
import consentSubject from './consent-subject/schema.json';
import bookingCheck from './booking-check/schema.json';
import consentRequest from './consent-request/schema.json';
import consentToken from './consent-token/schema.json';
import consentCampaign from './consent-campaign/schema.json';
import consentAudit from './consent-audit/schema.json';
import consentErasure from './consent-erasure/schema.json';
import retentionRun from './retention-run/schema.json';
import consentCheckpoint from './consent-checkpoint/schema.json';
import consentCheckpointLeaf from './consent-checkpoint-leaf/schema.json';
import intakeCounter from './intake-counter/schema.json';
import dsrRequest from './dsr-request/schema.json';
import dsrHistory from './dsr-history/schema.json';
import dsrSubmission from './dsr-submission/schema.json';

/**
 * The plugin's content types, keyed by singular name as Strapi expects
 * (`plugin::consent.<name>`), for the server's registration. The admin reads the
 * API's shapes and enumerations from server/src/contracts instead.
 */
export default {
  purpose: { schema: purpose },
  'consent-text': { schema: consentText },
  'consent-event': { schema: consentEvent },
  'consent-state': { schema: consentState },
  'consent-subject': { schema: consentSubject },
  'booking-check': { schema: bookingCheck },
  'consent-request': { schema: consentRequest },
  'consent-token': { schema: consentToken },
  'consent-campaign': { schema: consentCampaign },
  'consent-audit': { schema: consentAudit },
  'consent-erasure': { schema: consentErasure },
  'retention-run': { schema: retentionRun },
  'consent-checkpoint': { schema: consentCheckpoint },
  'consent-checkpoint-leaf': { schema: consentCheckpointLeaf },
  'intake-counter': { schema: intakeCounter },
  'dsr-request': { schema: dsrRequest },
  'dsr-history': { schema: dsrHistory },
  'dsr-submission': { schema: dsrSubmission },
};
