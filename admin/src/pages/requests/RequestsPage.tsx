import { Button, Flex, IconButton, Link, Td, Typography } from '@strapi/design-system';
import { ArrowClockwise, Cross } from '@strapi/icons';
import { Layouts } from '@strapi/strapi/admin';
import { PageHeader } from '../../components/PageHeader';
import { useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import {
  OPEN_REQUEST_STATUSES,
  REQUEST_STATUSES,
  useChangeConsentCampaignMutation,
  useChangeConsentRequestMutation,
  useGetConsentCampaignsQuery,
  useGetConsentRequestsQuery,
  useLazyGetConsentRequestsQuery,
  type Campaign,
  type CampaignAction,
  type CampaignStatus,
  type ConsentRequest,
  type RequestStatus,
} from '../../api';
import { CampaignProgress } from '../../components/CampaignProgress';
import { Card } from '../../components/Card';
import { PagedTable } from '../../components/PagedTable';
import { JobRow } from '../../components/Progress';
import { RequestStatusBadge } from '../../components/StatusBadge';
import { useConsentConfig } from '../../hooks/useConsentConfig';
import { useConsentRBAC } from '../../hooks/useConsentRBAC';
import { usePagedList } from '../../hooks/usePagedList';
import { useSubmit } from '../../hooks/useSubmit';
import { useFormatDateTime, useT, type TranslationKey } from '../../hooks/useT';

const PAGE = 50;
const isOpen = (status: RequestStatus) =>
  (OPEN_REQUEST_STATUSES as readonly RequestStatus[]).includes(status);

/** What can be done with a campaign in which of its statuses. */
const CAMPAIGN_BUTTONS: {
  action: CampaignAction;
  when: CampaignStatus[];
  variant: 'secondary' | 'danger-light';
}[] = [
  { action: 'pause', when: ['running'], variant: 'secondary' },
  { action: 'resume', when: ['paused'], variant: 'secondary' },
  { action: 'cancel', when: ['running', 'paused'], variant: 'danger-light' },
];

const Campaigns = () => {
  const t = useT();
  const { canRequest } = useConsentRBAC();
  const { data, isError, refetch } = useGetConsentCampaignsQuery();
  const campaigns = isError ? [] : (data ?? null);
  const [changeCampaign] = useChangeConsentCampaignMutation();
  const { submit } = useSubmit();

  const act = (campaign: Campaign, action: CampaignAction) =>
    submit(() => changeCampaign({ documentId: campaign.documentId, action }).unwrap(), {
      notify: () => t(`campaigns.${action}.done` as TranslationKey, { name: campaign.name }),
    });

  return (
    <Card
      title={t('campaigns.title')}
      actions={
        <Button variant="tertiary" startIcon={<ArrowClockwise />} onClick={refetch}>
          {t('common.refresh')}
        </Button>
      }
    >
      {!campaigns ? null : campaigns.length === 0 ? (
        <Typography textColor="neutral600">{t('campaigns.none')}</Typography>
      ) : (
        <Flex direction="column" alignItems="stretch" gap={5}>
          {campaigns.map((campaign) => (
            <JobRow
              key={campaign.documentId}
              testId="campaign"
              name={campaign.name}
              status={<RequestStatusBadge status={campaign.status} />}
              createdAt={campaign.createdAt}
              createdBy={campaign.startedByName}
              actions={
                canRequest && (
                  <Flex gap={1}>
                    {CAMPAIGN_BUTTONS.filter((b) => b.when.includes(campaign.status)).map(
                      ({ action, variant }) => (
                        <Button
                          key={action}
                          size="S"
                          variant={variant}
                          aria-label={t(`campaigns.${action}`, { name: campaign.name })}
                          onClick={() => act(campaign, action)}
                        >
                          {t(`campaigns.action.${action}`)}
                        </Button>
                      )
                    )}
                  </Flex>
                )
              }
            >
              <CampaignProgress campaign={campaign} />
            </JobRow>
          ))}
        </Flex>
      )}
    </Card>
  );
};

const Requests = () => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  const { canRequest } = useConsentRBAC();
  const config = useConsentConfig();
  const { submit } = useSubmit();
  const [status, setStatus] = useState<RequestStatus | 'all'>('all');
  const query = { status: status === 'all' ? null : status, before: null, limit: PAGE };
  const first = useGetConsentRequestsQuery(query);
  const [fetchRequests] = useLazyGetConsentRequestsQuery();
  const list = usePagedList(first, (before) => fetchRequests({ ...query, before }).unwrap());
  const [changeRequest] = useChangeConsentRequestMutation();

  const act = (row: ConsentRequest, action: 'cancel' | 'resend') =>
    submit(() => changeRequest({ documentId: row.documentId, action }).unwrap(), {
      notify: () => t(`requests.${action}.done` as TranslationKey),
    });

  return (
    <PagedTable
      title={t('requests.title')}
      filter={{
        label: t('requests.filter'),
        all: t('requests.allStatuses'),
        values: REQUEST_STATUSES,
        labelOf: (s) => t(`requestStatus.${s}` as TranslationKey),
        value: status,
        onChange: setStatus,
        width: '20rem',
      }}
      onRefresh={first.refetch}
      headers={[
        t('requests.col.status'),
        t('requests.col.channel'),
        t('requests.col.client'),
        t('requests.col.sentAt'),
        t('requests.col.requestedBy'),
        t('requests.col.actions'),
      ]}
      list={list}
      rowKey={(row) => row.documentId}
      rowTestId="request-row"
      empty={t('requests.none')}
      renderCells={(row) => (
        <>
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
            <Typography>
              {row.channel ? t(`requestChannel.${row.channel}` as TranslationKey) : '–'}
            </Typography>
          </Td>
          <Td>
            <Flex
              direction="column"
              alignItems="flex-start"
              gap={1}
              title={row.subject}
              data-testid="request-client"
            >
              {config ? (
                <Link
                  tag={RouterLink}
                  to={`/content-manager/collection-types/${config.subject.uid}/${row.subject}`}
                >
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
            <Typography>
              {row.requestedByName ?? (row.campaign ? t('requests.byCampaign') : '–')}
            </Typography>
          </Td>
          <Td>
            {canRequest && (
              <Flex gap={1}>
                {isOpen(row.status) && (
                  <IconButton label={t('requests.cancel')} onClick={() => act(row, 'cancel')}>
                    <Cross />
                  </IconButton>
                )}
                {!isOpen(row.status) && row.status !== 'approved' && (
                  <IconButton label={t('requests.resend')} onClick={() => act(row, 'resend')}>
                    <ArrowClockwise />
                  </IconButton>
                )}
              </Flex>
            )}
          </Td>
        </>
      )}
    />
  );
};

/** The request queue (cancel, send again) and the campaigns (pause, resume, cancel). */
const RequestsPage = () => {
  const t = useT();
  return (
    <>
      <PageHeader title={t('requests.pageTitle')} subtitle={t('requests.subtitle')} />
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
