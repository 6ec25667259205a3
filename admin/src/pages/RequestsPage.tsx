import {
  Box,
  Button,
  Flex,
  IconButton,
  Link,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowClockwise, Cross } from '@strapi/icons';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useCallback, useEffect, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { errorMessage, type Campaign, type ConsentRequest } from '../api';
import { CampaignProgress } from '../components/CampaignProgress';
import { RequestStatusBadge } from '../components/StatusBadge';
import { useConsentConfig } from '../hooks/useConsentConfig';
import { useConsentRBAC } from '../hooks/useConsentRBAC';
import { useFormatDateTime, useT, type TranslationKey } from '../hooks/useT';

const STATUSES = ['all', 'queued', 'sent', 'approved', 'declined', 'expired', 'failed', 'cancelled'] as const;
const OPEN = ['queued', 'sent'];

const Campaigns = () => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { canRequest } = useConsentRBAC();
  const [campaigns, setCampaigns] = useState<Campaign[] | null>(null);

  const load = useCallback(() => {
    get<{ data: Campaign[] }>('/consent/campaigns')
      .then(({ data }) => setCampaigns(data.data))
      .catch(() => setCampaigns([]));
  }, [get]);
  useEffect(load, [load]);

  const act = async (campaign: Campaign, action: 'pause' | 'resume' | 'cancel') => {
    try {
      await post(`/consent/campaigns/${campaign.documentId}/${action}`, {});
      toggleNotification({ type: 'success', message: t(`campaigns.${action}.done` as TranslationKey, { name: campaign.name }) });
      load();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) ?? t('error.generic') });
    }
  };

  return (
    <Box background="neutral0" hasRadius shadow="tableShadow" padding={6} tag="section" aria-label={t('campaigns.title')}>
      <Flex justifyContent="space-between" paddingBottom={4}>
        <Typography variant="delta" tag="h2">
          {t('campaigns.title')}
        </Typography>
        <Button variant="tertiary" startIcon={<ArrowClockwise />} onClick={load}>
          {t('common.refresh')}
        </Button>
      </Flex>
      {!campaigns ? null : campaigns.length === 0 ? (
        <Typography textColor="neutral600">{t('campaigns.none')}</Typography>
      ) : (
        <Flex direction="column" alignItems="stretch" gap={5}>
          {campaigns.map((campaign) => (
            <Flex key={campaign.documentId} direction="column" alignItems="stretch" gap={2} data-testid="campaign">
              <Flex justifyContent="space-between">
                <Flex gap={2}>
                  <Typography fontWeight="bold">{campaign.name}</Typography>
                  <RequestStatusBadge status={campaign.status} />
                  <Typography variant="pi" textColor="neutral600">
                    {formatDateTime(campaign.createdAt)}
                    {campaign.startedByName ? ` · ${campaign.startedByName}` : ''}
                  </Typography>
                </Flex>
                {canRequest && (
                  <Flex gap={1}>
                    {campaign.status === 'running' && (
                      <Button size="S" variant="secondary" aria-label={t('campaigns.pause', { name: campaign.name })} onClick={() => act(campaign, 'pause')}>
                        {t('campaigns.action.pause')}
                      </Button>
                    )}
                    {campaign.status === 'paused' && (
                      <Button size="S" variant="secondary" aria-label={t('campaigns.resume', { name: campaign.name })} onClick={() => act(campaign, 'resume')}>
                        {t('campaigns.action.resume')}
                      </Button>
                    )}
                    {(campaign.status === 'running' || campaign.status === 'paused') && (
                      <Button size="S" variant="danger-light" aria-label={t('campaigns.cancel', { name: campaign.name })} onClick={() => act(campaign, 'cancel')}>
                        {t('campaigns.action.cancel')}
                      </Button>
                    )}
                  </Flex>
                )}
              </Flex>
              <CampaignProgress campaign={campaign} />
            </Flex>
          ))}
        </Flex>
      )}
    </Box>
  );
};

const Requests = () => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { canRequest } = useConsentRBAC();
  const config = useConsentConfig();
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('all');
  const [rows, setRows] = useState<ConsentRequest[] | null>(null);
  const [next, setNext] = useState<number | null>(null);

  const fetchPage = useCallback(
    (before: number | null) => {
      const query = new URLSearchParams({ limit: '50' });
      if (status !== 'all') query.set('status', status);
      if (before) query.set('before', String(before));
      return get<{ data: ConsentRequest[]; meta: { next: number | null } }>(`/consent/requests?${query}`).then(({ data }) => data);
    },
    [get, status]
  );
  const load = useCallback(() => {
    fetchPage(null)
      .then((page) => {
        setRows(page.data);
        setNext(page.meta.next);
      })
      .catch(() => setRows([]));
  }, [fetchPage]);
  useEffect(load, [load]);

  const act = async (row: ConsentRequest, action: 'cancel' | 'resend') => {
    try {
      await post(`/consent/requests/${row.documentId}/${action}`, {});
      toggleNotification({ type: 'success', message: t(`requests.${action}.done` as TranslationKey) });
      load();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) ?? t('error.generic') });
    }
  };

  return (
    <Box background="neutral0" hasRadius shadow="tableShadow" padding={6} tag="section" aria-label={t('requests.title')}>
      <Flex justifyContent="space-between" paddingBottom={4}>
        <Typography variant="delta" tag="h2">
          {t('requests.title')}
        </Typography>
        <Flex gap={2}>
          <Box width="20rem">
            <SingleSelect aria-label={t('requests.filter')} value={status} onChange={(v: string | number) => setStatus(String(v) as typeof status)}>
              {STATUSES.map((s) => (
                <SingleSelectOption key={s} value={s}>
                  {s === 'all' ? t('requests.allStatuses') : t(`requestStatus.${s}` as TranslationKey)}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          </Box>
          <Button variant="tertiary" startIcon={<ArrowClockwise />} onClick={load}>
            {t('common.refresh')}
          </Button>
        </Flex>
      </Flex>
      <Table colCount={6} rowCount={(rows?.length ?? 0) + 1}>
        <Thead>
          <Tr>
            <Th><Typography variant="sigma">{t('requests.col.status')}</Typography></Th>
            <Th><Typography variant="sigma">{t('requests.col.channel')}</Typography></Th>
            <Th><Typography variant="sigma">{t('requests.col.client')}</Typography></Th>
            <Th><Typography variant="sigma">{t('requests.col.sentAt')}</Typography></Th>
            <Th><Typography variant="sigma">{t('requests.col.requestedBy')}</Typography></Th>
            <Th><Typography variant="sigma">{t('requests.col.actions')}</Typography></Th>
          </Tr>
        </Thead>
        <Tbody>
          {rows?.length === 0 && (
            <Tr>
              <Td colSpan={6}>
                <Typography textColor="neutral600">{t('requests.none')}</Typography>
              </Td>
            </Tr>
          )}
          {rows?.map((row) => (
            <Tr key={row.documentId} data-testid="request-row">
              <Td>
                <Flex direction="column" alignItems="flex-start" gap={1}>
                  <RequestStatusBadge status={row.status} />
                  {row.reason && (
                    <Typography variant="pi" textColor="neutral600">
                      {row.reason}
                    </Typography>
                  )}
                </Flex>
              </Td>
              <Td>
                <Typography>{row.channel ? t(`requestChannel.${row.channel}` as TranslationKey) : '–'}</Typography>
              </Td>
              <Td>
                <Flex direction="column" alignItems="flex-start" gap={1} title={row.subject} data-testid="request-client">
                  {config ? (
                    <Link tag={RouterLink} to={`/content-manager/collection-types/${config.subject.uid}/${row.subject}`}>
                      {row.subjectName ?? row.subject}
                    </Link>
                  ) : (
                    <Typography>{row.subjectName ?? row.subject}</Typography>
                  )}
                  {row.subjectName && (
                    <Typography variant="pi" textColor="neutral600">
                      {row.subject}
                    </Typography>
                  )}
                </Flex>
              </Td>
              <Td>
                <Typography>{formatDateTime(row.sentAt ?? row.createdAt)}</Typography>
              </Td>
              <Td>
                <Typography>{row.requestedByName ?? (row.campaign ? t('requests.byCampaign') : '–')}</Typography>
              </Td>
              <Td>
                {canRequest && (
                  <Flex gap={1}>
                    {OPEN.includes(row.status) && (
                      <IconButton label={t('requests.cancel')} onClick={() => act(row, 'cancel')}>
                        <Cross />
                      </IconButton>
                    )}
                    {!OPEN.includes(row.status) && row.status !== 'approved' && (
                      <IconButton label={t('requests.resend')} onClick={() => act(row, 'resend')}>
                        <ArrowClockwise />
                      </IconButton>
                    )}
                  </Flex>
                )}
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      {next && (
        <Flex justifyContent="flex-end" paddingTop={4}>
          <Button
            variant="tertiary"
            onClick={() =>
              fetchPage(next).then((page) => {
                setRows((current) => [...(current ?? []), ...page.data]);
                setNext(page.meta.next);
              })
            }
          >
            {t('clients.loadMore')}
          </Button>
        </Flex>
      )}
    </Box>
  );
};

/** The request queue (cancel, send again) and the campaigns (pause, resume, cancel). */
const RequestsPage = () => {
  const t = useT();
  return (
    <>
      <Page.Title>{t('requests.pageTitle')}</Page.Title>
      <Layouts.Header title={t('requests.pageTitle')} subtitle={t('requests.subtitle')} />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          <Campaigns />
          <Requests />
        </Flex>
      </Layouts.Content>
    </>
  );
};

export default RequestsPage;
