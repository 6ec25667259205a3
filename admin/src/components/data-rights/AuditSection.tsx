import { Button, Flex, SingleSelect, SingleSelectOption, Table, Tbody, Td, Th, Thead, Tr, Typography, Box } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { useFetchClient } from '@strapi/strapi/admin';
import { useCallback, useEffect, useState } from 'react';
import type { AuditEntry } from '../../api';
import { useFormatDateTime, useT, type TranslationKey } from '../../hooks/useT';
import { Card } from './Card';

/** The server's AUDIT_ACTIONS (server/src/constants.ts). */
const ACTIONS = [
  'export.history',
  'export.receipt',
  'export.access',
  'receipt.verify',
  'erase.subject',
  'retention.preview',
  'retention.run',
  'import.dry-run',
  'import.run',
  'proof.verify',
  'proof.checkpoint',
] as const;

const PAGE = 25;

type Cursor = string | number | null;

/** Who did which export, erasure, import or verification, newest first, paged by cursor. */
export const AuditSection = () => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  const { get } = useFetchClient();
  const [action, setAction] = useState<string>('all');
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<Cursor>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const fetchPage = useCallback(
    (before: Cursor) => {
      const query = new URLSearchParams({ limit: String(PAGE) });
      if (action !== 'all') query.set('action', action);
      if (before !== null) query.set('before', String(before));
      return get<{ data: { entries: AuditEntry[]; next: Cursor } }>(`/consent/audit?${query}`).then(({ data }) => data.data);
    },
    [get, action]
  );
  const load = useCallback(() => {
    fetchPage(null)
      .then((page) => {
        setEntries(page.entries);
        setNext(page.next);
      })
      .catch(() => setEntries([]));
  }, [fetchPage]);
  useEffect(load, [load]);

  const more = async () => {
    setLoadingMore(true);
    try {
      const page = await fetchPage(next);
      setEntries((current) => [...(current ?? []), ...page.entries]);
      setNext(page.next);
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <Card
      title={t('audit.title')}
      actions={
        <Flex gap={2}>
          <Box width="22rem">
            <SingleSelect aria-label={t('audit.filter')} value={action} onChange={(v: string | number) => setAction(String(v))}>
              <SingleSelectOption value="all">{t('audit.allActions')}</SingleSelectOption>
              {ACTIONS.map((a) => (
                <SingleSelectOption key={a} value={a}>
                  {t(`audit.action.${a}` as TranslationKey)}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          </Box>
          <Button variant="tertiary" startIcon={<ArrowClockwise />} onClick={load}>
            {t('common.refresh')}
          </Button>
        </Flex>
      }
    >
      <Table colCount={5} rowCount={(entries?.length ?? 0) + 1}>
        <Thead>
          <Tr>
            <Th><Typography variant="sigma">{t('audit.col.when')}</Typography></Th>
            <Th><Typography variant="sigma">{t('audit.col.action')}</Typography></Th>
            <Th><Typography variant="sigma">{t('audit.col.actor')}</Typography></Th>
            <Th><Typography variant="sigma">{t('audit.col.subject')}</Typography></Th>
            <Th><Typography variant="sigma">{t('audit.col.outcome')}</Typography></Th>
          </Tr>
        </Thead>
        <Tbody>
          {entries?.length === 0 && (
            <Tr>
              <Td colSpan={5}>
                <Typography textColor="neutral600">{t('audit.none')}</Typography>
              </Td>
            </Tr>
          )}
          {entries?.map((entry) => (
            <Tr key={entry.id} data-testid="audit-entry">
              <Td><Typography>{formatDateTime(entry.occurredAt)}</Typography></Td>
              <Td>
                <Typography>
                  {(ACTIONS as readonly string[]).includes(entry.action) ? t(`audit.action.${entry.action}` as TranslationKey) : entry.action}
                </Typography>
              </Td>
              <Td><Typography>{entry.actorName ?? '–'}</Typography></Td>
              <Td><Typography variant="pi">{entry.subject ?? '–'}</Typography></Td>
              <Td>
                <Typography textColor={entry.outcome === 'success' || entry.outcome === 'ok' ? 'success700' : 'danger700'}>{entry.outcome}</Typography>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      {next !== null && next !== undefined && (
        <Flex justifyContent="flex-end">
          <Button variant="tertiary" onClick={more} loading={loadingMore}>
            {t('clients.loadMore')}
          </Button>
        </Flex>
      )}
    </Card>
  );
};
