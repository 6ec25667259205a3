/**
 * Content API, served under /api/consent/...
 * GET /texts is public on purpose: consent texts are what every visitor must be
 * able to read before deciding; it reveals nothing about any client.
 */
export default {
  type: 'content-api',
  routes: [{ method: 'GET', path: '/texts', handler: 'texts.current', config: { auth: false, policies: [] } }],
};
