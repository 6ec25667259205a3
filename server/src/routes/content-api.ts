import { meDecisionsRoute, meRoute, textsRoute } from './schemas';

/**
 * Content API, served under /api/consent/...
 * - GET /texts is public on purpose: every visitor must be able to read a consent
 *   text before deciding, and it reveals nothing about any client.
 * - /me is for a logged-in end user (users-permissions) linked to a client; denied
 *   by default: grant `find` and `decide` of Consent > me to the Authenticated role.
 * Each route carries zod request/response schemas: Strapi validates with them and
 * `strapi openapi generate` documents them.
 */
export default {
  type: 'content-api',
  routes: [
    { method: 'GET', path: '/texts', handler: 'texts.current', config: { auth: false, policies: [] }, ...textsRoute },
    { method: 'GET', path: '/me', handler: 'me.find', config: { policies: [] }, ...meRoute },
    { method: 'POST', path: '/me/decisions', handler: 'me.decide', config: { policies: [] }, ...meDecisionsRoute },
  ],
};
