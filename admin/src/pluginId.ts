import { PERMISSIONS as ACTIONS } from '../../server/src/contracts';

export const PLUGIN_ID = 'consent';

type ActionName = keyof typeof ACTIONS;
type PermissionList = { action: string; subject: null }[];

/** The plugin's RBAC actions (the contract's), in the form Page.Protect and useRBAC take. */
export const PERMISSIONS = Object.fromEntries(
  Object.entries(ACTIONS).map(([name, action]) => [name, [{ action, subject: null }]])
) as Record<ActionName, PermissionList>;

/** Every action of the plugin, for useRBAC: `allowedActions.canRead`, `canRecord`, ... */
export const ALL_PERMISSIONS = Object.values(PERMISSIONS).flat();

export const getTranslation = (id: string) => `${PLUGIN_ID}.${id}`;
