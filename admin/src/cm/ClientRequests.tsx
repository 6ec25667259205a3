import { Box, Flex, Typography } from '@strapi/design-system';
import { useState } from 'react';
import { useGetClientRequestsQuery, type ConsentRequest } from '../api';
import { RequestStatusBadge } from '../components/StatusBadge';
import { useFormatDateTime, useT, type TranslationKey } from '../hooks/useT';

const SHOWN = 3;
/** While a request waits in the queue the worker may send it at any moment: look again. */
const POLL_MS = 5000;

const kindOf = (request: ConsentRequest) =>
  request.origin ? 'confirmation' : request.kind === 'information' ? 'information' : 'consent';

/** One request as staff need it at the desk: what it is, where it stands, and why it failed. */
const RequestLine = ({ request }: { request: ConsentRequest }) => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  const channel = request.channel ? t(`requestChannel.${request.channel}` as TranslationKey) : '';
  const detail = (() => {
    switch (request.status) {
      case 'queued':
        return request.attempts > 0 && request.nextAttemptAt
          ? t('panel.requests.retrying', {
              attempts: request.attempts,
              date: formatDateTime(request.nextAttemptAt),
            })
          : t('panel.requests.queued', { date: formatDateTime(request.createdAt) });
      case 'sent':
        return request.sentAt
          ? t('panel.requests.sent', { channel, date: formatDateTime(request.sentAt) }) +
              (request.expiresAt
                ? ` · ${t('panel.requests.until', { date: formatDateTime(request.expiresAt) })}`
                : '')
          : '';
      case 'approved':
      case 'declined':
        return request.answeredAt
          ? t('panel.requests.answered', { date: formatDateTime(request.answeredAt) })
          : '';
      case 'expired':
        return request.expiresAt
          ? t('panel.requests.expired', { date: formatDateTime(request.expiresAt) })
          : '';
      default:
        return formatDateTime(request.createdAt);
    }
  })();
  const reason =
    request.reason && (request.status === 'failed' || request.status === 'queued')
      ? request.reason
      : null;
  return (
    <Flex tag="li" direction="column" alignItems="stretch" gap={1}>
      <Flex justifyContent="space-between" gap={2}>
        <Typography variant="omega">
          {t(`panel.requests.kind.${kindOf(request)}` as TranslationKey)}
        </Typography>
        <RequestStatusBadge status={request.status} />
      </Flex>
      {detail && (
        <Typography variant="pi" textColor="neutral600">
          {detail}
        </Typography>
      )}
      {reason && (
        <Typography variant="pi" textColor="danger600" data-testid="consent-request-reason">
          {t('panel.requests.reason', { reason })}
        </Typography>
      )}
    </Flex>
  );
};

/**
 * The client's latest requests on the client card (issue 21): whether one is out, when
 * and by which channel it was sent, until when it is open, and why the last one failed,
 * without going to the Requests screen.
 */
export const ClientRequests = ({ subject }: { subject: string }) => {
  const t = useT();
  const [waiting, setWaiting] = useState(false);
  const { data } = useGetClientRequestsQuery(
    { documentId: subject, limit: SHOWN },
    { pollingInterval: waiting ? POLL_MS : 0 }
  );
  const queued = Boolean(data?.some((r) => r.status === 'queued'));
  if (queued !== waiting) setWaiting(queued);
  if (!data) return null;
  return (
    <Box data-testid="consent-requests">
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Typography variant="sigma" textColor="neutral600">
          {t('panel.requests.title')}
        </Typography>
        {data.length === 0 ? (
          <Typography variant="pi" textColor="neutral600">
            {t('panel.requests.none')}
          </Typography>
        ) : (
          <Flex tag="ul" direction="column" alignItems="stretch" gap={3}>
            {data.map((request) => (
              <RequestLine key={request.documentId} request={request} />
            ))}
          </Flex>
        )}
      </Flex>
    </Box>
  );
};
