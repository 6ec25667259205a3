import { useIntl } from 'react-intl';
import { localisedPurpose, useGetConsentPurposesQuery } from '../api';

/**
 * A purpose's name for a key, in the admin's language (its translation, else its own
 * name): what staff read in the history, the booking panel and elsewhere an event or
 * a check names purposes by key. The fallback (the name the caller has), else the key,
 * until the list arrives, or for a purpose that no longer exists.
 */
export const usePurposeName = () => {
  const { locale } = useIntl();
  const { data: purposes } = useGetConsentPurposesQuery();
  return (key: string, fallback?: string) => {
    const purpose = purposes?.find((p) => p.key === key);
    return purpose ? localisedPurpose(purpose, locale).name : (fallback ?? key);
  };
};
