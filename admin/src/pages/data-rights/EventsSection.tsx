import { MenuItem, SimpleMenu, Td, Typography } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import { useState } from 'react';
import { useIntl } from 'react-intl';
import {
  downloadEvents,
  EXPORT_FORMATS,
  sourceLabel,
  useGetConsentEventsQuery,
  useGetConsentSourcesQuery,
  useLazyGetConsentEventsQuery,
  type ExportFormat,
} from '../../api';
import { fileNameOf, saveBlob } from '../../components/download';
import { PagedTable } from '../../components/PagedTable';
import { useNotifyError } from '../../hooks/useNotifyError';
import { usePagedList } from '../../hooks/usePagedList';
import { usePurposeName } from '../../hooks/usePurposeName';
import { useFormatDateTime, useT, type TranslationKey } from '../../hooks/useT';

const PAGE = 25;

/**
 * Consent events of every client, newest first, filtered by source (Settings > Sources);
 * a chosen source's events download as CSV, JSON or XLSX (plugin::consent.export).
 * Events recorded with a source no longer on the list (or free text from the API)
 * keep it, and show it as it was stored.
 */
export const EventsSection = ({ canExport }: { canExport: boolean }) => {
  const t = useT();
  const { locale } = useIntl();
  const formatDateTime = useFormatDateTime();
  const purposeName = usePurposeName();
  const fail = useNotifyError();
  const { data: sources } = useGetConsentSourcesQuery();
  const [source, setSource] = useState<string>('all');
  const [downloading, setDownloading] = useState(false);
  const query = { source: source === 'all' ? null : source, before: null, limit: PAGE };
  const first = useGetConsentEventsQuery(query);
  const [fetchEvents] = useLazyGetConsentEventsQuery();
  const list = usePagedList(first, (before) => fetchEvents({ ...query, before }).unwrap());

  const exportAs = async (format: ExportFormat) => {
    if (source === 'all') return;
    setDownloading(true);
    try {
      const { data, headers } = await downloadEvents(source, format, locale);
      saveBlob(data, fileNameOf(headers, `consent-events-${source}.${format}`));
    } catch (error) {
      fail(error);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <PagedTable
      title={t('events.title')}
      filter={{
        label: t('events.filter'),
        all: t('events.allSources'),
        values: (sources ?? []).map((s) => s.key),
        labelOf: (key) => sourceLabel(sources, key, locale) ?? key,
        value: source,
        onChange: setSource,
        width: '18rem',
      }}
      actions={
        canExport && (
          <SimpleMenu
            label={t('events.export')}
            variant="secondary"
            startIcon={<Download />}
            disabled={downloading || source === 'all'}
          >
            {EXPORT_FORMATS.map((format: ExportFormat) => (
              <MenuItem key={format} onSelect={() => exportAs(format)}>
                {t(`rights.export.${format}` as TranslationKey)}
              </MenuItem>
            ))}
          </SimpleMenu>
        )
      }
      onRefresh={first.refetch}
      headers={[
        t('events.col.when'),
        t('events.col.client'),
        t('events.col.decision'),
        t('events.col.source'),
        t('events.col.by'),
      ]}
      list={list}
      rowKey={(event) => event.id}
      rowTestId="consent-event"
      empty={t('events.none')}
      renderCells={(event) => (
        <>
          <Td>
            <Typography>{formatDateTime(event.occurredAt)}</Typography>
          </Td>
          <Td>
            <Typography variant="pi">{event.subject}</Typography>
          </Td>
          <Td>
            <Typography>
              {t(`decision.${event.decision}` as TranslationKey)} · {purposeName(event.purposeKey)}
            </Typography>
          </Td>
          <Td>
            <Typography>{sourceLabel(sources, event.source, locale) ?? '–'}</Typography>
          </Td>
          <Td>
            <Typography>
              {event.actorName ?? t(`channel.${event.channel}` as TranslationKey)}
            </Typography>
          </Td>
        </>
      )}
    />
  );
};
