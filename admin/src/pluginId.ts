export const PLUGIN_ID = 'consent';

/** RBAC actions, the same strings the server registers. */
export const PERMISSIONS = {
  read: [{ action: 'plugin::consent.read', subject: null }],
  record: [{ action: 'plugin::consent.record', subject: null }],
  manageTexts: [{ action: 'plugin::consent.texts.manage', subject: null }],
  requests: [{ action: 'plugin::consent.requests', subject: null }],
  settings: [{ action: 'plugin::consent.settings', subject: null }],
  export: [{ action: 'plugin::consent.export', subject: null }],
  erase: [{ action: 'plugin::consent.erase', subject: null }],
  import: [{ action: 'plugin::consent.import', subject: null }],
  proof: [{ action: 'plugin::consent.proof', subject: null }],
};

/** Every action of the plugin, for useRBAC: `allowedActions.canRead`, `canRecord`, ... */
export const ALL_PERMISSIONS = [
  ...PERMISSIONS.read,
  ...PERMISSIONS.record,
  ...PERMISSIONS.manageTexts,
  ...PERMISSIONS.requests,
  ...PERMISSIONS.settings,
  ...PERMISSIONS.export,
  ...PERMISSIONS.erase,
  ...PERMISSIONS.import,
  ...PERMISSIONS.proof,
];

export const getTranslation = (id: string) => `${PLUGIN_ID}.${id}`;
