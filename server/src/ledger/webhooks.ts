import type { Core } from '@strapi/strapi';
import { PERSONAL_EVENT_FIELDS } from '../domain/evidence';
import { WEBHOOK_EVENT } from '../constants';
import type { EventRow } from '../types';

/** webhookStore keys (Strapi's own are ENTRY_CREATE, MEDIA_UPDATE, ...). */
const STORE_KEYS: Record<keyof typeof WEBHOOK_EVENT, string> = {
  given: 'CONSENT_GIVEN',
  refused: 'CONSENT_REFUSED',
  withdrawn: 'CONSENT_WITHDRAWN',
  expired: 'CONSENT_EXPIRED',
  erased: 'CONSENT_ERASED',
};

interface WebhookStore {
  addAllowedEvent(key: string, value: string): void;
}

/**
 * Strapi webhooks for consent decisions and erasures. Strapi's webhook runner
 * listens on strapi.eventHub for the event names a webhook selects and POSTs
 * `{ event, createdAt, ...payload }`; registering the names with the webhook store
 * lets a webhook select them. The payload is what a receiving system may see:
 * the decision and its proof references, never the personal fields of the event
 * (IP, user agent, note, the client's own name) and never the client's contact
 * details (the subject is the client's document id).
 */
const webhooks = ({ strapi }: { strapi: Core.Strapi }) => ({
  register(): void {
    const store = strapi.get('webhookStore') as WebhookStore;
    for (const [name, key] of Object.entries(STORE_KEYS)) {
      store.addAllowedEvent(key, WEBHOOK_EVENT[name as keyof typeof WEBHOOK_EVENT]);
    }
  },

  /** The event names a webhook can select, with their store keys. */
  events(): { key: string; event: string }[] {
    return Object.entries(STORE_KEYS).map(([name, key]) => ({
      key,
      event: WEBHOOK_EVENT[name as keyof typeof WEBHOOK_EVENT],
    }));
  },

  /** A decision's payload for webhooks and the per-decision hub events. */
  decisionPayload(event: EventRow): {
    subject: string;
    purpose: string;
    decision: string;
    entry: Record<string, unknown>;
  } {
    const entry: Record<string, unknown> = { ...event };
    for (const field of PERSONAL_EVENT_FIELDS) {
      if (field !== 'actorName' || event.actorType === 'subject') delete entry[field];
    }
    return { subject: event.subject, purpose: event.purposeKey, decision: event.decision, entry };
  },
});

export default webhooks;
