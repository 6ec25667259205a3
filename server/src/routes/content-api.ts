/**
 * Content API, served under /api/consent/...
 * - GET /texts is public on purpose: every visitor must be able to read a consent
 *   text before deciding, and it reveals nothing about any client.
 * - /me is for a logged-in end user (users-permissions) linked to a client; denied
 *   by default: grant `find` and `decide` of Consent > me to the Authenticated role.
 */
export default {
  type: 'content-api',
  routes: [
    { method: 'GET', path: '/texts', handler: 'texts.current', config: { auth: false, policies: [] } },
    { method: 'GET', path: '/me', handler: 'me.find', config: { policies: [] } },
    { method: 'POST', path: '/me/decisions', handler: 'me.decide', config: { policies: [] } },
  ],
};
