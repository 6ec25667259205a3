import { adminApi } from '@strapi/strapi/admin';

/**
 * The plugin's slice of Strapi's admin API (RTK Query): the host's store already runs
 * it, so the plugin only adds its cache tags. A mutation invalidates the tags of what
 * it changes and every screen that reads them refetches by itself.
 *
 * Endpoint names share one namespace with Strapi and every other plugin, and
 * injectEndpoints keeps the first definition of a name: i18n already has `getSettings`
 * and the admin `getWebhooks`. Hence `getConsentSettings` and the like.
 */
export const consentApi = adminApi.enhanceEndpoints({
  addTagTypes: [
    'ConsentPurpose',
    'ConsentVersion',
    'ConsentClient',
    'ConsentOverview',
    'ConsentClientState',
    'ConsentEvent',
    'ConsentBookingCheck',
    'ConsentRequest',
    'ConsentCampaign',
    'ConsentSettings',
    'ConsentErasure',
    'ConsentRetentionRun',
    'ConsentCheckpoint',
    'ConsentAudit',
    'ConsentWebhook',
  ],
});

/**
 * Screens read fresh data when they open, as they did before the cache: an answer
 * nobody shows any more is dropped at once (a client may have answered a request by
 * mail meanwhile, which no tag can know).
 */
export const FRESH = { keepUnusedDataFor: 0 } as const;

/** What a decision changes: the client's state and history, the lists, counts and booking marks. */
export const CONSENT_CHANGED = ['ConsentClient', 'ConsentOverview', 'ConsentBookingCheck'] as const;
