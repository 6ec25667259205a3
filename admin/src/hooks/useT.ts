import { useCallback } from 'react';
import { useIntl } from 'react-intl';
import en from '../translations/en.json';
import { getTranslation } from '../pluginId';

export type TranslationKey = keyof typeof en;
type Values = Record<string, string | number | boolean | null | undefined>;

/** formatMessage for the plugin's keys: English (en.json) is the default message. */
export const useT = () => {
  const { formatMessage } = useIntl();
  return useCallback(
    (key: TranslationKey, values?: Values) =>
      formatMessage(
        { id: getTranslation(key), defaultMessage: en[key] },
        values as Record<string, string>
      ),
    [formatMessage]
  );
};

/** Date and time in the admin's locale. */
export const useFormatDateTime = () => {
  const { formatDate } = useIntl();
  return useCallback(
    (value: string | null | undefined) =>
      value ? formatDate(new Date(value), { dateStyle: 'medium', timeStyle: 'short' }) : '–',
    [formatDate]
  );
};
