import { ACTION } from '../constants';

const guarded = (action: string) => [
  'admin::isAuthenticatedAdmin',
  { name: 'admin::hasPermissions', config: { actions: [action] } },
];

/** Admin API, served under /consent/...; every route needs an admin session and a plugin RBAC action. */
export default {
  type: 'admin',
  routes: [
    { method: 'GET', path: '/purposes', handler: 'purposes.find', config: { policies: guarded(ACTION.read) } },
    { method: 'POST', path: '/purposes', handler: 'purposes.create', config: { policies: guarded(ACTION.manageTexts) } },
    { method: 'PUT', path: '/purposes/:key', handler: 'purposes.update', config: { policies: guarded(ACTION.manageTexts) } },
    { method: 'GET', path: '/purposes/:key/versions', handler: 'purposes.versions', config: { policies: guarded(ACTION.read) } },
    { method: 'POST', path: '/purposes/:key/versions/preview', handler: 'purposes.preview', config: { policies: guarded(ACTION.manageTexts) } },
    { method: 'POST', path: '/purposes/:key/versions', handler: 'purposes.publish', config: { policies: guarded(ACTION.manageTexts) } },
    { method: 'GET', path: '/config', handler: 'host-config.find', config: { policies: guarded(ACTION.read) } },
    { method: 'GET', path: '/clients', handler: 'clients.find', config: { policies: guarded(ACTION.read) } },
    { method: 'GET', path: '/overview', handler: 'clients.overview', config: { policies: guarded(ACTION.read) } },
    { method: 'GET', path: '/subjects', handler: 'subjects.find', config: { policies: guarded(ACTION.read) } },
    { method: 'GET', path: '/subjects/statuses', handler: 'clients.statuses', config: { policies: guarded(ACTION.read) } },
    { method: 'GET', path: '/subjects/:subject', handler: 'subjects.consent', config: { policies: guarded(ACTION.read) } },
    { method: 'GET', path: '/subjects/:subject/events', handler: 'subjects.events', config: { policies: guarded(ACTION.read) } },
    { method: 'GET', path: '/subjects/:subject/export', handler: 'subjects.export', config: { policies: guarded(ACTION.read) } },
    { method: 'POST', path: '/subjects/:subject/decisions', handler: 'subjects.record', config: { policies: guarded(ACTION.record) } },
    { method: 'GET', path: '/bookings/:uid/:documentId/check', handler: 'bookings.check', config: { policies: guarded(ACTION.read) } },
    { method: 'GET', path: '/subjects/:subject/requests', handler: 'requests.forSubject', config: { policies: guarded(ACTION.read) } },
    { method: 'POST', path: '/subjects/:subject/requests', handler: 'requests.create', config: { policies: guarded(ACTION.requests) } },
    { method: 'GET', path: '/requests', handler: 'requests.find', config: { policies: guarded(ACTION.read) } },
    { method: 'POST', path: '/requests/:id/cancel', handler: 'requests.cancel', config: { policies: guarded(ACTION.requests) } },
    { method: 'POST', path: '/requests/:id/resend', handler: 'requests.resend', config: { policies: guarded(ACTION.requests) } },
    { method: 'GET', path: '/campaigns', handler: 'campaigns.find', config: { policies: guarded(ACTION.read) } },
    { method: 'POST', path: '/campaigns', handler: 'campaigns.create', config: { policies: guarded(ACTION.requests) } },
    { method: 'GET', path: '/campaigns/:id', handler: 'campaigns.findOne', config: { policies: guarded(ACTION.read) } },
    { method: 'POST', path: '/campaigns/:id/pause', handler: 'campaigns.pause', config: { policies: guarded(ACTION.requests) } },
    { method: 'POST', path: '/campaigns/:id/resume', handler: 'campaigns.resume', config: { policies: guarded(ACTION.requests) } },
    { method: 'POST', path: '/campaigns/:id/cancel', handler: 'campaigns.cancel', config: { policies: guarded(ACTION.requests) } },
    { method: 'GET', path: '/settings', handler: 'settings.find', config: { policies: guarded(ACTION.settings) } },
    { method: 'PUT', path: '/settings', handler: 'settings.update', config: { policies: guarded(ACTION.settings) } },
    { method: 'POST', path: '/settings/test-email', handler: 'settings.testEmail', config: { policies: guarded(ACTION.settings) } },
    { method: 'POST', path: '/states/rebuild', handler: 'subjects.rebuild', config: { policies: guarded(ACTION.settings) } },
    { method: 'GET', path: '/audit', handler: 'audit.find', config: { policies: guarded(ACTION.proof) } },
    { method: 'GET', path: '/proof/verify', handler: 'proof.verify', config: { policies: guarded(ACTION.proof) } },
    { method: 'GET', path: '/proof/checkpoints', handler: 'proof.checkpoints', config: { policies: guarded(ACTION.proof) } },
    { method: 'POST', path: '/proof/checkpoints', handler: 'proof.seal', config: { policies: guarded(ACTION.proof) } },
  ],
};
