import { Box, Flex, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { sourceLabel, useGetConsentSourcesQuery, type ConsentEvent } from '../api';
import { usePurposeName } from '../hooks/usePurposeName';
import { useFormatDateTime, useT, type TranslationKey } from '../hooks/useT';

const DOT: Record<string, string> = {
  given: 'success600',
  refused: 'danger600',
  withdrawn: 'danger600',
  revoked: 'danger600',
  expired: 'neutral500',
};

/** Consent events, newest first: what was decided, for which purpose and version, how, by whom and when. */
export const HistoryTimeline = ({ events }: { events: ConsentEvent[] }) => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  const purposeName = usePurposeName();
  const { locale } = useIntl();
  const { data: sources } = useGetConsentSourcesQuery();
  // Sources of Settings by their label; technical ones (a booking type, "admin", an import's text)
  // stay in the exports and the events by source, not in this summary.
  const listed = (source: string | null) =>
    source !== null && (sources ?? []).some((s) => s.key === source);
  if (events.length === 0)
    return <Typography textColor="neutral600">{t('panel.history.none')}</Typography>;
  return (
    <Flex direction="column" alignItems="stretch" gap={3} tag="ol" aria-label={t('panel.history')}>
      {events.map((event) => {
        const who =
          event.actorType === 'admin'
            ? t('panel.history.byAdmin', { name: event.actorName ?? '?' })
            : event.actorType === 'system'
              ? t('panel.history.bySystem')
              : t('panel.history.bySubject');
        return (
          <Flex key={event.id} tag="li" gap={2} alignItems="flex-start">
            <Box
              background={DOT[event.decision] ?? 'neutral500'}
              width="0.8rem"
              height="0.8rem"
              hasRadius
              marginTop={1}
              style={{ flexShrink: 0, borderRadius: '50%' }}
            />
            <Flex direction="column" alignItems="flex-start">
              <Typography variant="omega" fontWeight="bold">
                {t(`decision.${event.decision}` as TranslationKey)} ·{' '}
                {purposeName(event.purposeKey)}
                {event.textVersion ? ` v${event.textVersion}` : ''}
                {event.textLocale ? ` (${event.textLocale.toUpperCase()})` : ''}
              </Typography>
              <Typography variant="pi" textColor="neutral600">
                {formatDateTime(event.occurredAt)} ·{' '}
                {t(`channel.${event.channel}` as TranslationKey)}
                {listed(event.source)
                  ? ` (${sourceLabel(sources, event.source, locale)})`
                  : ''} · {who}
              </Typography>
              {event.note && (
                <Typography variant="pi" textColor="neutral700">
                  “{event.note}”
                </Typography>
              )}
            </Flex>
          </Flex>
        );
      })}
    </Flex>
  );
};
