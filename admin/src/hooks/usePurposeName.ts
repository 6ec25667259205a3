import { useGetConsentPurposesQuery } from '../api';

/**
 * A purpose's name for a key: what staff read in the history, the booking panel and
 * elsewhere an event or a check names purposes by key. The key itself until the list
 * arrives, or for a purpose that no longer exists.
 */
export const usePurposeName = () => {
  const { data: purposes } = useGetConsentPurposesQuery();
  return (key: string) => purposes?.find((p) => p.key === key)?.name ?? key;
};
