import { Flex, Typography } from '@strapi/design-system';
import { useEffect, useState } from 'react';
import { BookingMarkBadge, StatusBadge } from '../components/StatusBadge';
import { useConsentRBAC } from '../hooks/useConsentRBAC';
import { usePurposeName } from '../hooks/usePurposeName';
import { useT } from '../hooks/useT';
import { getTranslation } from '../pluginId';
import type { BookingCheck, ClientStatusEntry, HostConfig } from '../api';
import { bookingCheckOf, statusOf } from './batcher';

/** The value of one row's cell, from a batched lookup: undefined while it comes, null for none. */
const useBatched = <T,>(lookup: () => Promise<T | null>, key: string) => {
  const [value, setValue] = useState<T | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    lookup().then((next) => live && setValue(next));
    return () => {
      live = false;
    };
    // The lookup is made anew each render; the row's key says when it changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return value;
};

const ConsentCell = ({ documentId }: { documentId: string }) => {
  const { canRead } = useConsentRBAC();
  const entry = useBatched<ClientStatusEntry>(() => statusOf(documentId), documentId);
  if (!canRead) return null;
  if (entry === undefined) return <Typography textColor="neutral500">…</Typography>;
  if (entry === null) return <Typography textColor="neutral500">–</Typography>;
  return <StatusBadge status={entry.status} />;
};

/** A booking's mark: made with valid consent, or without and what was missing then. */
const BookingConsentCell = ({ uid, documentId }: { uid: string; documentId: string }) => {
  const t = useT();
  const purposeName = usePurposeName();
  const { canRead } = useConsentRBAC();
  const check = useBatched<BookingCheck>(
    () => bookingCheckOf(uid, documentId),
    `${uid}/${documentId}`
  );
  if (!canRead) return null;
  if (!check) {
    return (
      <Typography textColor="neutral500" data-testid="booking-consent-cell">
        {check === undefined ? '…' : '–'}
      </Typography>
    );
  }
  const missing = (check.missing ?? []).filter((m) => m.purpose).map((m) => purposeName(m.purpose));
  return (
    <Flex
      direction="column"
      alignItems="flex-start"
      gap={1}
      data-testid="booking-consent-cell"
      data-valid={String(check.valid)}
    >
      <BookingMarkBadge valid={check.valid} />
      {!check.valid && missing.length > 0 && (
        <Typography variant="pi" textColor="neutral600">
          {t('booking.missingAtBooking', { purposes: missing.join(', ') })}
        </Typography>
      )}
    </Flex>
  );
};

interface ListHookArgs {
  displayedHeaders: unknown[];
  layout: unknown;
}

/** The model shown by the Content Manager list view, from the URL (the hook gets no model). */
const currentModel = () => {
  const model = window.location.pathname.match(
    /\/content-manager\/collection-types\/([^/?#]+)/
  )?.[1];
  return model ? decodeURIComponent(model) : null;
};

const column = (cellFormatter: (row: { documentId: string }) => React.ReactNode) => ({
  attribute: { type: 'string' },
  label: { id: getTranslation('column.consent'), defaultMessage: 'Consent' },
  searchable: false,
  sortable: false,
  name: 'consent',
  cellFormatter,
});

/**
 * Hook 'Admin/CM/pages/ListView/inject-column-in-table': a "Consent" column on the
 * configured client type (the client's status now) and on each checked booking type
 * (whether the booking was made with valid consent). `getConfig` is null until the
 * configuration is known or when the admin may not read consent.
 */
export const consentColumnHook =
  (getConfig: () => HostConfig | null) =>
  ({ displayedHeaders, layout }: ListHookArgs) => {
    const config = getConfig();
    const model = currentModel();
    if (!config || !model) return { displayedHeaders, layout };
    if (model === config.subject.uid) {
      return {
        displayedHeaders: [
          ...displayedHeaders,
          column((row) => <ConsentCell documentId={row.documentId} />),
        ],
        layout,
      };
    }
    const booking = config.bookings.find((b) => b.uid === model && b.requirement !== 'none');
    if (!booking) return { displayedHeaders, layout };
    return {
      displayedHeaders: [
        ...displayedHeaders,
        column((row) => <BookingConsentCell uid={booking.uid} documentId={row.documentId} />),
      ],
      layout,
    };
  };
