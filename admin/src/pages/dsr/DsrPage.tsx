import { Badge, Box, Button, Flex, Td, Typography } from '@strapi/design-system';
import { Download, Plus } from '@strapi/icons';
import { Layouts } from '@strapi/strapi/admin';
import { useState } from 'react';
import {
  DSR_CHANNELS,
  DSR_KINDS,
  DSR_STATUSES,
  DSR_TRANSITIONS,
  downloadDsrRegister,
  useGetDsrRequestsQuery,
  useLazyGetDsrRequestsQuery,
  type DsrKind,
  type DsrRequest,
  type DsrStatus,
} from '../../api';
import { fileNameOf, saveBlob } from '../../components/download';
import { Select } from '../../components/Fields';
import { PageHeader } from '../../components/PageHeader';
import { PagedTable } from '../../components/PagedTable';
import { useConsentRBAC } from '../../hooks/useConsentRBAC';
import { useNotifyError } from '../../hooks/useNotifyError';
import { usePagedList } from '../../hooks/usePagedList';
import { useFormatDateTime, useT, type TranslationKey } from '../../hooks/useT';
import { DsrDetailModal } from './DsrDetailModal';
import { NewDsrModal } from './NewDsrModal';

const PAGE = 50;

export const dueBadge = (request: Pick<DsrRequest, 'overdue' | 'status'>, label: string) =>
  request.overdue ? (
    <Badge backgroundColor="danger100" textColor="danger700">
      {label}
    </Badge>
  ) : null;

/** The register of data-subject requests (Art. 12(3), 15-21): filters, a request's history, its next step. */
const DsrPage = () => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  const notifyError = useNotifyError();
  const { canDsrHandle } = useConsentRBAC();
  const [status, setStatus] = useState<DsrStatus | 'all'>('all');
  const [kind, setKind] = useState<DsrKind | 'all'>('all');
  const [due, setDue] = useState<'all' | 'overdue' | 'due_soon'>('all');
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const query = {
    status: status === 'all' ? null : status,
    kind: kind === 'all' ? null : kind,
    due: due === 'all' ? null : due,
    before: null,
    limit: PAGE,
  };
  const first = useGetDsrRequestsQuery(query);
  const [fetchPage] = useLazyGetDsrRequestsQuery();
  const list = usePagedList(first, (before) => fetchPage({ ...query, before }).unwrap());

  const exportAs = async (format: 'csv' | 'xlsx') => {
    try {
      const { data, headers } = await downloadDsrRegister(format);
      saveBlob(data, fileNameOf(headers, `dsr-register.${format}`));
    } catch (error) {
      notifyError(error);
    }
  };

  return (
    <>
      <PageHeader
        title={t('dsr.pageTitle')}
        subtitle={t('dsr.subtitle')}
        action={
          canDsrHandle ? (
            <Button startIcon={<Plus />} onClick={() => setCreating(true)}>
              {t('dsr.new')}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          <Flex gap={2} wrap="wrap">
            <Box minWidth="16rem">
              <Select
                label={t('dsr.filter.kind')}
                value={kind}
                options={[
                  { value: 'all', label: t('dsr.allKinds') },
                  ...DSR_KINDS.map((k) => ({
                    value: k,
                    label: t(`dsrKind.${k}` as TranslationKey),
                  })),
                ]}
                onChange={(v) => setKind(v as DsrKind | 'all')}
              />
            </Box>
            <Box minWidth="16rem">
              <Select
                label={t('dsr.filter.due')}
                value={due}
                options={[
                  { value: 'all', label: t('dsr.due.all') },
                  { value: 'due_soon', label: t('dsr.due.soon') },
                  { value: 'overdue', label: t('dsr.due.overdue') },
                ]}
                onChange={(v) => setDue(v as 'all' | 'overdue' | 'due_soon')}
              />
            </Box>
            <Button variant="secondary" startIcon={<Download />} onClick={() => exportAs('csv')}>
              {t('dsr.export.csv')}
            </Button>
            <Button variant="secondary" startIcon={<Download />} onClick={() => exportAs('xlsx')}>
              {t('dsr.export.xlsx')}
            </Button>
          </Flex>
          <PagedTable
            title={t('dsr.title')}
            filter={{
              label: t('dsr.filter.status'),
              all: t('dsr.allStatuses'),
              values: DSR_STATUSES,
              labelOf: (s) => t(`dsrStatus.${s}` as TranslationKey),
              value: status,
              onChange: setStatus,
              width: '16rem',
            }}
            onRefresh={first.refetch}
            headers={[
              t('dsr.col.kind'),
              t('dsr.col.status'),
              t('dsr.col.client'),
              t('dsr.col.received'),
              t('dsr.col.due'),
              t('dsr.col.actions'),
            ]}
            list={list}
            rowKey={(row) => row.documentId}
            rowTestId="dsr-row"
            empty={t('dsr.none')}
            renderCells={(row) => (
              <>
                <Td>
                  <Typography>{t(`dsrKind.${row.kind}` as TranslationKey)}</Typography>
                </Td>
                <Td>
                  <Typography>{t(`dsrStatus.${row.status}` as TranslationKey)}</Typography>
                </Td>
                <Td>
                  <Typography>{row.client ?? t('dsr.unidentified')}</Typography>
                </Td>
                <Td>
                  <Typography>{formatDateTime(row.receivedAt)}</Typography>
                </Td>
                <Td>
                  <Flex gap={2}>
                    <Typography>{formatDateTime(row.dueAt)}</Typography>
                    {dueBadge(row, t('dsr.overdue'))}
                  </Flex>
                </Td>
                <Td>
                  <Button
                    size="S"
                    variant="tertiary"
                    aria-label={t('dsr.openLabel', { id: row.documentId })}
                    onClick={() => setOpen(row.documentId)}
                  >
                    {t('dsr.open')}
                  </Button>
                </Td>
              </>
            )}
          />
        </Flex>
      </Layouts.Content>
      {creating && (
        <NewDsrModal
          kinds={DSR_KINDS}
          channels={DSR_CHANNELS}
          onClose={() => setCreating(false)}
          onCreated={(id) => {
            setCreating(false);
            setOpen(id);
          }}
        />
      )}
      {open && (
        <DsrDetailModal
          documentId={open}
          transitions={DSR_TRANSITIONS}
          canHandle={canDsrHandle}
          onClose={() => setOpen(null)}
        />
      )}
    </>
  );
};

export default DsrPage;
