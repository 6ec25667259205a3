import { useNotification } from '@strapi/strapi/admin';
import { useCallback, useState } from 'react';
import { errorMessage } from '../api';
import { useT } from './useT';

type Notice = string | { type: 'info' | 'warning'; message: string } | null;

interface SubmitOptions<T> {
  /** The notification after success (a string is a success message; null: none). */
  notify?: (result: T) => Notice;
  /** What follows success: close the modal, hand the result on. */
  then?: (result: T) => void;
}

/**
 * An admin action with its busy flag and its notifications: the message of its success,
 * or the server's error message (a generic one when there is none), never both.
 */
export const useSubmit = () => {
  const t = useT();
  const { toggleNotification } = useNotification();
  const [busy, setBusy] = useState(false);

  const submit = useCallback(
    async <T,>(action: () => Promise<T>, { notify, then }: SubmitOptions<T> = {}): Promise<boolean> => {
      setBusy(true);
      try {
        const result = await action();
        const notice = notify?.(result) ?? null;
        if (typeof notice === 'string') toggleNotification({ type: 'success', message: notice });
        else if (notice) toggleNotification(notice);
        then?.(result);
        return true;
      } catch (error) {
        toggleNotification({ type: 'danger', message: errorMessage(error) ?? t('error.generic') });
        return false;
      } finally {
        setBusy(false);
      }
    },
    [t, toggleNotification]
  );

  return { busy, submit };
};
