import { apiRateLimit } from '../middlewares/api-rate-limit';
import { rateLimit } from '../middlewares/rate-limit';
import { jwksRoute, verifyReceiptRoute } from './receipt-schemas';
import { meDecisionsRoute, meRoute, textsRoute } from './schemas';

/** A fresh object per route: Strapi may amend a route's config in place. */
const page = () => ({ auth: false as const, policies: [], middlewares: [rateLimit] });

/**
 * Content API, served under /api/consent/...
 * - GET /texts is public on purpose: every visitor must be able to read a consent
 *   text before deciding, and it reveals nothing about any client.
 * - /me is for a logged-in end user (users-permissions) linked to a client; denied
 *   by default: grant `find` and `decide` of Consent > me to the Authenticated role.
 * - /r, /m and /u/:token are the client's consent pages (HTML), public on purpose:
 *   the link token from the email or SMS is the credential; rate-limited per address.
 * - /dsr and /dsr/c/:token are the public form of data-subject requests (HTML), public on
 *   purpose: anyone may ask about their data; a request is registered only once the link
 *   mailed to the address given is confirmed (the token is the credential); rate-limited per address.
 * - GET /consent-form.js is public on purpose: the front-end helper (an ES module, the
 *   same file as the package's `strapi-plugin-consent/consent-form`) for booking pages to
 *   import; static code, no data. See docs/front-end.md.
 * Each JSON route carries zod request/response schemas: Strapi validates with them and
 * `strapi openapi generate` documents them.
 */
export default {
  type: 'content-api',
  routes: [
    {
      method: 'GET',
      path: '/texts',
      handler: 'texts.current',
      config: { auth: false, policies: [] },
      ...textsRoute,
    },
    {
      method: 'GET',
      path: '/consent-form.js',
      handler: 'front-end.consentForm',
      config: { auth: false, policies: [] },
    },
    { method: 'GET', path: '/me', handler: 'me.find', config: { policies: [] }, ...meRoute },
    {
      method: 'POST',
      path: '/me/decisions',
      handler: 'me.decide',
      config: { policies: [] },
      ...meDecisionsRoute,
    },
    { method: 'GET', path: '/r/:token', handler: 'consent-page.request', config: page() },
    { method: 'POST', path: '/r/:token', handler: 'consent-page.answer', config: page() },
    { method: 'GET', path: '/m/:token', handler: 'consent-page.preferences', config: page() },
    { method: 'POST', path: '/m/:token', handler: 'consent-page.choose', config: page() },
    { method: 'GET', path: '/u/:token', handler: 'consent-page.unsubscribeForm', config: page() },
    { method: 'POST', path: '/u/:token', handler: 'consent-page.unsubscribe', config: page() },
    { method: 'GET', path: '/dsr', handler: 'dsr-form.form', config: page() },
    { method: 'POST', path: '/dsr', handler: 'dsr-form.submit', config: page() },
    { method: 'GET', path: '/dsr/c/:token', handler: 'dsr-form.confirmForm', config: page() },
    { method: 'POST', path: '/dsr/c/:token', handler: 'dsr-form.confirm', config: page() },
    // Public on purpose: checking a receipt reveals nothing it does not hold; rate-limited per address (JSON 429).
    {
      method: 'POST',
      path: '/receipts/verify',
      handler: 'data-rights.verifyReceiptPublic',
      config: { auth: false as const, policies: [], middlewares: [apiRateLimit] },
      ...verifyReceiptRoute,
    },
    {
      method: 'GET',
      path: '/receipts/jwks',
      handler: 'data-rights.jwks',
      config: { auth: false as const, policies: [], middlewares: [apiRateLimit] },
      ...jwksRoute,
    },
  ],
};
