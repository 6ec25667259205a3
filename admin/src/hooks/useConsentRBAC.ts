import { useRBAC } from '@strapi/strapi/admin';
import { PERMISSIONS } from '../pluginId';

const ACTIONS = {
  read: PERMISSIONS.read,
  record: PERMISSIONS.record,
  manageTexts: PERMISSIONS.manageTexts,
  requests: PERMISSIONS.requests,
  settings: PERMISSIONS.settings,
};

/** Which of the plugin's actions the current admin may use. */
export const useConsentRBAC = () => {
  const { isLoading, allowedActions } = useRBAC(ACTIONS);
  return {
    isLoading,
    canRead: allowedActions.canRead,
    canRecord: allowedActions.canRecord,
    canManageTexts: allowedActions.canManageTexts,
    canRequest: allowedActions.canRequests,
    canSettings: allowedActions.canSettings,
  };
};
