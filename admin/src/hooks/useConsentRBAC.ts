import { useRBAC } from '@strapi/strapi/admin';
import { ALL_PERMISSIONS } from '../pluginId';

/**
 * Which of the plugin's actions the current admin may use. useRBAC names each result
 * after the last segment of its action: plugin::consent.read -> canRead,
 * plugin::consent.texts.manage -> canManage, plugin::consent.requests -> canRequests,
 * plugin::consent.export -> canExport (and canErase, canImport, canProof).
 */
export const useConsentRBAC = () => {
  const { isLoading, allowedActions } = useRBAC(ALL_PERMISSIONS);
  return {
    isLoading,
    canRead: Boolean(allowedActions.canRead),
    canRecord: Boolean(allowedActions.canRecord),
    canManageTexts: Boolean(allowedActions.canManage),
    canRequest: Boolean(allowedActions.canRequests),
    canSettings: Boolean(allowedActions.canSettings),
    canExport: Boolean(allowedActions.canExport),
    canErase: Boolean(allowedActions.canErase),
    canImport: Boolean(allowedActions.canImport),
    canProof: Boolean(allowedActions.canProof),
    /** plugin::consent.dsr-read and dsr-handle: the register of data-subject requests. */
    canDsrRead: Boolean(allowedActions.canDsrRead),
    canDsrHandle: Boolean(allowedActions.canDsrHandle),
  };
};
