import { Flex, Link, Typography } from '@strapi/design-system';
import { WarningCircle, CheckCircle } from '@strapi/icons';
import { Link as RouterLink } from 'react-router-dom';
import { useGetBookingCheckQuery, useGetClientConsentQuery } from '../api';
import { StatusBadge } from '../components/StatusBadge';
import { useConsentConfig } from '../hooks/useConsentConfig';
import { useConsentRBAC } from '../hooks/useConsentRBAC';
import { usePurposeName } from '../hooks/usePurposeName';
import { useT } from '../hooks/useT';

const BookingConsentContent = ({
  uid,
  documentId,
  subjectUid,
}: {
  uid: string;
  documentId: string;
  subjectUid: string;
}) => {
  const t = useT();
  const purposeName = usePurposeName();
  const checkQuery = useGetBookingCheckQuery({ uid, documentId });
  const check = checkQuery.isError ? null : checkQuery.data;
  const subject = check?.subject ?? null;
  const { data: current } = useGetClientConsentQuery(subject ?? '', { skip: !subject });

  if (check === undefined)
    return <Typography textColor="neutral600">{t('common.loading')}</Typography>;
  if (check === null) return <Typography textColor="neutral600">{t('booking.noCheck')}</Typography>;
  const valid = current ? current.valid : check.valid;
  return (
    <Flex
      direction="column"
      alignItems="stretch"
      gap={2}
      role={valid ? undefined : 'alert'}
      data-testid="booking-consent"
    >
      <Flex gap={2}>
        {valid ? <CheckCircle fill="success600" /> : <WarningCircle fill="danger600" />}
        <Typography fontWeight="bold" textColor={valid ? 'success700' : 'danger700'}>
          {valid ? t('booking.valid') : t('booking.invalid')}
        </Typography>
      </Flex>
      {!check.valid && check.missing && check.missing.length > 0 && (
        <Typography variant="pi" textColor="neutral600">
          {t('booking.missingAtBooking', {
            purposes: check.missing.map((m) => purposeName(m.purpose)).join(', '),
          })}
        </Typography>
      )}
      {current && <StatusBadge status={current.status} />}
      {check.subject && (
        <Link
          tag={RouterLink}
          to={`/content-manager/collection-types/${subjectUid}/${check.subject}`}
        >
          {t('booking.openClient')}
        </Link>
      )}
    </Flex>
  );
};

/** Edit-view side panel on a configured booking type: warns when the booking's client lacks valid consent. */
export const BookingConsentPanel = ({
  model,
  documentId,
}: {
  model: string;
  documentId?: string;
}) => {
  const t = useT();
  const config = useConsentConfig();
  const { canRead, isLoading } = useConsentRBAC();
  if (isLoading || !canRead || !config || !documentId) return null;
  const booking = config.bookings.find((b) => b.uid === model);
  if (!booking || booking.requirement === 'none') return null;
  return {
    title: t('booking.title'),
    content: (
      <BookingConsentContent uid={model} documentId={documentId} subjectUid={config.subject.uid} />
    ),
  };
};
