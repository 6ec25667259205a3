import { useNotification } from '@strapi/strapi/admin';
import { useCallback } from 'react';
import { errorMessage } from '../api';
import { useT } from './useT';

/** Show an admin API error as a notification: the server's message, or a generic one. */
export const useNotifyError = () => {
  const t = useT();
  const { toggleNotification } = useNotification();
  return useCallback(
    (error: unknown) =>
      toggleNotification({ type: 'danger', message: errorMessage(error) ?? t('error.generic') }),
    [t, toggleNotification]
  );
};
