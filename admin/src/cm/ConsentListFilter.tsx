import { SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { useQueryParams } from '@strapi/strapi/admin';
import { useParams } from 'react-router-dom';
import { useEffect } from 'react';
import { forgetConfig, useConsentConfig } from '../hooks/useConsentConfig';
import { useConsentRBAC } from '../hooks/useConsentRBAC';
import { useT } from '../hooks/useT';

type Value = 'all' | 'valid' | 'invalid';
interface Query {
  page?: string;
  plugins?: Record<string, Record<string, string> | undefined>;
  [key: string]: unknown;
}

/**
 * Injected into the list view's actions: "Valid consent" / "No valid consent" on the client
 * type, "Booked with / without valid consent" on a checked booking type (the booking's mark).
 * It sets plugins[consent][consent] in the URL; the Content Manager sends plugin
 * params as plain query params (consent=valid), narrowed on the server by
 * server/src/middlewares/content-manager-list.ts.
 */
export const ConsentListFilter = () => {
  const t = useT();
  const { slug } = useParams<{ slug: string }>();
  const config = useConsentConfig();
  const { canRead, isLoading } = useConsentRBAC();
  const [{ query }, setQuery] = useQueryParams<Query>();
  useEffect(() => {
    if (!isLoading && !canRead) forgetConfig();
  }, [isLoading, canRead]);
  if (isLoading || !canRead || !config || !slug) return null;
  const onClients = slug === config.subject.uid;
  const onBookings = config.bookings.some((b) => b.uid === slug && b.requirement !== 'none');
  if (!onClients && !onBookings) return null;
  const value: Value = (query.plugins?.consent?.consent as Value | undefined) ?? 'all';

  const change = (next: Value) => {
    const plugins = { ...(query.plugins ?? {}) };
    if (next === 'all') delete plugins.consent;
    else plugins.consent = { consent: next };
    setQuery({ ...query, page: '1', plugins } as Query, 'push', true);
  };

  return (
    <SingleSelect
      size="S"
      aria-label={t('cm.filter.label')}
      value={value}
      onChange={(next: string | number) => change(String(next) as Value)}
    >
      <SingleSelectOption value="all">{t('cm.filter.all')}</SingleSelectOption>
      <SingleSelectOption value="valid">
        {onClients ? t('filter.valid') : t('cm.filter.booking.valid')}
      </SingleSelectOption>
      <SingleSelectOption value="invalid">
        {onClients ? t('filter.invalid') : t('cm.filter.booking.invalid')}
      </SingleSelectOption>
    </SingleSelect>
  );
};
