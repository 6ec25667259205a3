import { Box, Flex, Typography } from '@strapi/design-system';
import type { PendingConfirmation, PurposeState } from '../api';
import { useFormatDateTime, useT } from '../hooks/useT';

/**
 * Decisions sent from a public booking page for this client, not recorded: they wait
 * for the client to confirm them through the link sent to the address on file, and
 * lapse when the link expires (docs/booking-intake.md).
 */
export const PendingConfirmations = ({
  pending,
  purposes,
}: {
  pending: PendingConfirmation[];
  purposes: PurposeState[];
}) => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  if (pending.length === 0) return null;
  const nameOf = (key: string) => purposes.find((p) => p.purpose === key)?.name ?? key;
  return (
    <Box background="warning100" padding={3} hasRadius data-testid="consent-pending">
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Typography variant="sigma" textColor="warning700">
          {t('panel.pending.title')}
        </Typography>
        {pending.map((p) => (
          <Flex key={p.request} direction="column" alignItems="stretch" gap={1}>
            <Typography variant="pi" textColor="neutral700">
              {p.status === 'sent' && p.sentAt
                ? t('panel.pending.sent', {
                    channel: p.channel ?? '',
                    date: formatDateTime(p.sentAt),
                  })
                : t('panel.pending.queued')}
              {p.expiresAt
                ? ` · ${t('panel.pending.until', { date: formatDateTime(p.expiresAt) })}`
                : ''}
            </Typography>
            <Flex tag="ul" direction="column" alignItems="stretch" gap={1}>
              {p.decisions.map((d) => (
                <Typography key={d.purpose} tag="li" variant="omega">
                  {nameOf(d.purpose)}:{' '}
                  {t(d.decision === 'given' ? 'panel.pending.given' : 'panel.pending.refused')}
                  {d.version ? ` (v${d.version})` : ''}
                </Typography>
              ))}
            </Flex>
          </Flex>
        ))}
      </Flex>
    </Box>
  );
};
