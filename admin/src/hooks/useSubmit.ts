import { useNotification } from '@strapi/strapi/admin';
import { useCallback, useState } from 'react';
import { useNotifyError } from './useNotifyError';

type Notice = string | { type: 'info' | 'warning'; message: string } | null;

export interface SubmitOptions<T> {
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
  const { toggleNotification } = useNotification();
  const notifyError = useNotifyError();
  const [busy, setBusy] = useState(false);

  const submit = useCallback(
    async <T>(
      action: () => Promise<T>,
      { notify, then }: SubmitOptions<T> = {}
    ): Promise<boolean> => {
      setBusy(true);
      try {
        const result = await action();
        const notice = notify?.(result) ?? null;
        if (typeof notice === 'string') toggleNotification({ type: 'success', message: notice });
        else if (notice) toggleNotification(notice);
        then?.(result);
        return true;
      } catch (error) {
        notifyError(error);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [notifyError, toggleNotification]
  );

  return { busy, submit };
};
