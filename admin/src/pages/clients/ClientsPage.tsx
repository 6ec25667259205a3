import {
  Box,
  Button,
  Checkbox,
  Dialog,
  Flex,
  Link,
  Searchbar,
  Td,
  Th,
  Typography,
} from '@strapi/design-system';
import { Mail } from '@strapi/icons';
import { ConfirmDialog, Layouts, Page } from '@strapi/strapi/admin';
import { PageHeader } from '../../components/PageHeader';
import { useEffect, useState } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router-dom';
import {
  CLIENT_STATES,
  useCreateConsentCampaignMutation,
  useGetConsentClientsQuery,
  useLazyGetConsentClientsQuery,
  useLoadMore,
  type CampaignAudience,
  type ClientState,
} from '../../api';
import { ClientRowActions } from '../../cm/ClientRowActions';
import { DataTable } from '../../components/DataTable';
import { DateTimeLines } from '../../components/DateTimeLines';
import { Select } from '../../components/Fields';
import { RequestStatusBadge, StatusBadge } from '../../components/StatusBadge';
import { useConsentConfig } from '../../hooks/useConsentConfig';
import { useConsentRBAC } from '../../hooks/useConsentRBAC';
import { useNotifyError } from '../../hooks/useNotifyError';
import { useSubmit } from '../../hooks/useSubmit';
import { useT, type TranslationKey } from '../../hooks/useT';

const PAGE_SIZE = 50;

/** Clients with their consent state: filtered and searched on the server, keyset-paginated ("Load more"). */
const ClientsPage = () => {
  const t = useT();
  const notifyError = useNotifyError();
  const config = useConsentConfig();
  const { canRequest, canExport, canErase } = useConsentRBAC();
  const rowActions = canExport || canErase;
  const [params, setParams] = useSearchParams();
  const stateParam = params.get('state') as ClientState | null;
  const state: ClientState =
    stateParam && (CLIENT_STATES as readonly string[]).includes(stateParam) ? stateParam : 'all';
  const q = params.get('q') ?? '';
  const [search, setSearch] = useState(q);
  const query = { state, q: q || undefined, limit: PAGE_SIZE };
  // currentData: a new filter shows the loading state, not the previous filter's rows.
  const first = useGetConsentClientsQuery(query);
  const [fetchClients] = useLazyGetConsentClientsQuery();
  const { rows, next, loadMore, loadingMore } = useLoadMore(
    { data: first.currentData, fulfilledTimeStamp: first.fulfilledTimeStamp },
    (cursor) => fetchClients({ ...query, cursor }).unwrap(),
    notifyError
  );
  // The selection belongs to the filter it was made in.
  const filterKey = `${state}\n${q}`;
  const [selection, setSelection] = useState<{ key: string; ids: Set<string> }>({
    key: filterKey,
    ids: new Set(),
  });
  const selected = selection.key === filterKey ? selection.ids : new Set<string>();
  const setSelected = (update: Set<string> | ((current: Set<string>) => Set<string>)) =>
    setSelection({ key: filterKey, ids: typeof update === 'function' ? update(selected) : update });
  const [confirmAll, setConfirmAll] = useState(false);
  const [createCampaign] = useCreateConsentCampaignMutation();
  const { busy: sending, submit } = useSubmit();

  // Search as the admin types, after a short pause.
  useEffect(() => {
    if (search === q) return undefined;
    const timer = setTimeout(() => update({ q: search }), 400);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);

  const update = (patch: { state?: ClientState; q?: string }) => {
    const nextParams = new URLSearchParams(params);
    if (patch.state !== undefined) nextParams.set('state', patch.state);
    if (patch.q !== undefined) {
      if (patch.q) nextParams.set('q', patch.q);
      else nextParams.delete('q');
    }
    setParams(nextParams, { replace: true });
  };

  const startCampaign = (audience: CampaignAudience, count: number | null) => {
    const name = t('clients.campaignName', {
      filter: t(`filter.${state}` as TranslationKey),
      date: new Date().toLocaleString(),
    });
    return submit(() => createCampaign({ name, audience }).unwrap(), {
      notify: (campaign) => t('clients.requestsQueued', { count: campaign?.total ?? count ?? 0 }),
      then: () => setSelected(new Set()),
    });
  };

  if (first.isError) return <Page.Error />;

  const all = rows ?? [];
  const allSelected = all.length > 0 && all.every((r) => selected.has(r.documentId));
  const someSelected = all.some((r) => selected.has(r.documentId));
  const toggle = (documentId: string, on: boolean) =>
    setSelected((current) => {
      const copy = new Set(current);
      if (on) copy.add(documentId);
      else copy.delete(documentId);
      return copy;
    });
  const editLink = (documentId: string) =>
    config ? `/content-manager/collection-types/${config.subject.uid}/${documentId}` : null;

  return (
    <>
      <PageHeader
        title={t('clients.title')}
        subtitle={t('clients.subtitle')}
        action={
          canRequest ? (
            <Button
              startIcon={<Mail />}
              onClick={() => setConfirmAll(true)}
              disabled={sending || all.length === 0}
            >
              {t('clients.sendToFilter')}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Action
        startActions={
          <Flex gap={2}>
            <Box width="24rem">
              <Select
                label={t('clients.filter.label')}
                value={state}
                options={CLIENT_STATES.map((filter) => ({
                  value: filter,
                  label: t(`filter.${filter}` as TranslationKey),
                }))}
                onChange={(value) => update({ state: value as ClientState })}
              />
            </Box>
            <Box width="28rem">
              <Searchbar
                name="q"
                value={search}
                onChange={(e: React.ChangeEvent<HTMLInputElement>) => setSearch(e.target.value)}
                onClear={() => {
                  setSearch('');
                  update({ q: '' });
                }}
                clearLabel={t('clients.search.clear')}
                placeholder={t('clients.search.placeholder')}
              >
                {t('clients.search.label')}
              </Searchbar>
            </Box>
          </Flex>
        }
        endActions={
          canRequest && selected.size > 0 ? (
            <Button
              variant="secondary"
              startIcon={<Mail />}
              disabled={sending}
              onClick={() => startCampaign({ subjects: [...selected] }, selected.size)}
            >
              {t('clients.sendToSelection', { count: selected.size })}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>
        {!rows ? (
          <Page.Loading />
        ) : (
          <Flex direction="column" alignItems="stretch" gap={4}>
            <DataTable
              headers={[
                t('clients.col.name'),
                t('clients.col.contact'),
                t('clients.col.status'),
                t('clients.col.lastDecision'),
                t('clients.col.lastRequest'),
                ...(rowActions
                  ? [{ label: t('requests.col.actions'), hidden: true as const }]
                  : []),
              ]}
              headStart={
                canRequest && (
                  <Th>
                    <Checkbox
                      aria-label={t('clients.selectAll')}
                      checked={allSelected ? true : someSelected ? 'indeterminate' : false}
                      onCheckedChange={(checked) =>
                        setSelected(
                          checked === true ? new Set(all.map((r) => r.documentId)) : new Set()
                        )
                      }
                    />
                  </Th>
                )
              }
              rows={all}
              rowKey={(row) => row.documentId}
              rowTestId="client-row"
              empty={t('clients.empty')}
              renderCells={(row) => {
                const href = editLink(row.documentId);
                const name = row.name || row.email || row.phone || row.documentId;
                return (
                  <>
                    {canRequest && (
                      <Td>
                        <Checkbox
                          aria-label={t('clients.select', { name })}
                          checked={selected.has(row.documentId)}
                          onCheckedChange={(checked) => toggle(row.documentId, checked === true)}
                        />
                      </Td>
                    )}
                    <Td>
                      {href ? (
                        <Link
                          tag={RouterLink}
                          to={href}
                          aria-label={t('clients.openClient', { name })}
                        >
                          {name}
                        </Link>
                      ) : (
                        <Typography fontWeight="bold">{name}</Typography>
                      )}
                    </Td>
                    <Td>
                      <Flex direction="column" alignItems="flex-start">
                        <Typography textColor="neutral800">
                          {row.email || (row.phone ? null : '–')}
                        </Typography>
                        {row.phone && (
                          <Typography variant="pi" textColor="neutral600">
                            {row.phone}
                          </Typography>
                        )}
                      </Flex>
                    </Td>
                    <Td>
                      <StatusBadge status={row.status} />
                    </Td>
                    <Td>
                      <DateTimeLines value={row.lastDecisionAt} />
                    </Td>
                    <Td>
                      {/* Stacked, the status over the date over the time: the row fits 1440 px with its actions. */}
                      {row.lastRequest ? (
                        <Flex direction="column" alignItems="flex-start" gap={1}>
                          <RequestStatusBadge status={row.lastRequest.status} />
                          <DateTimeLines
                            value={row.lastRequest.sentAt ?? row.lastRequest.createdAt}
                          />
                        </Flex>
                      ) : (
                        <Typography textColor="neutral600">–</Typography>
                      )}
                    </Td>
                    {rowActions && (
                      <Td>
                        <ClientRowActions subject={row.documentId} name={row.name} />
                      </Td>
                    )}
                  </>
                );
              }}
            />
            <Flex justifyContent="space-between">
              <Typography textColor="neutral600" data-testid="clients-shown">
                {t('clients.shown', { count: all.length })}
              </Typography>
              {next && (
                <Button variant="tertiary" onClick={loadMore} loading={loadingMore}>
                  {t('clients.loadMore')}
                </Button>
              )}
            </Flex>
          </Flex>
        )}
      </Layouts.Content>
      <Dialog.Root open={confirmAll} onOpenChange={setConfirmAll}>
        <ConfirmDialog
          title={t('clients.sendToFilter')}
          onConfirm={async () => {
            await startCampaign(q ? { state, q } : { state }, null);
            setConfirmAll(false);
          }}
        >
          {t('clients.sendToFilter.confirm', { filter: t(`filter.${state}` as TranslationKey) })}
        </ConfirmDialog>
      </Dialog.Root>
    </>
  );
};

export default ClientsPage;
