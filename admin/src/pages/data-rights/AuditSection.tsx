import { Td, Typography } from '@strapi/design-system';
import { useState } from 'react';
import {
  AUDIT_ACTIONS,
  useGetConsentAuditQuery,
  useLazyGetConsentAuditQuery,
  type AuditAction,
} from '../../api';
import { usePagedList } from '../../hooks/usePagedList';
import { useFormatDateTime, useT, type TranslationKey } from '../../hooks/useT';
import { PagedTable } from '../../components/PagedTable';

const PAGE = 25;
const isKnown = (action: string): action is AuditAction =>
  (AUDIT_ACTIONS as readonly string[]).includes(action);

/** Who did which export, erasure, import or verification, newest first, paged by cursor. */
export const AuditSection = () => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  const [action, setAction] = useState<AuditAction | 'all'>('all');
  const query = { action: action === 'all' ? null : action, before: null, limit: PAGE };
  const first = useGetConsentAuditQuery(query);
  const [fetchAudit] = useLazyGetConsentAuditQuery();
  const list = usePagedList(first, (before) => fetchAudit({ ...query, before }).unwrap());

  return (
    <PagedTable
      title={t('audit.title')}
      filter={{
        label: t('audit.filter'),
        all: t('audit.allActions'),
        values: AUDIT_ACTIONS,
        labelOf: (a) => t(`audit.action.${a}` as TranslationKey),
        value: action,
        onChange: setAction,
        width: '22rem',
      }}
      onRefresh={first.refetch}
      headers={[
        t('audit.col.when'),
        t('audit.col.action'),
        t('audit.col.actor'),
        t('audit.col.subject'),
        t('audit.col.outcome'),
      ]}
      list={list}
      rowKey={(entry) => entry.id}
      rowTestId="audit-entry"
      empty={t('audit.none')}
      renderCells={(entry) => (
        <>
          <Td>
            <Typography>{formatDateTime(entry.occurredAt)}</Typography>
          </Td>
          <Td>
            <Typography>
              {isKnown(entry.action)
                ? t(`audit.action.${entry.action}` as TranslationKey)
                : entry.action}
            </Typography>
          </Td>
          <Td>
            <Typography>{entry.actorName ?? '–'}</Typography>
          </Td>
          <Td>
            <Typography variant="pi">{entry.subject ?? '–'}</Typography>
          </Td>
          <Td>
            <Typography
              textColor={
                entry.outcome === 'success' || entry.outcome === 'ok' ? 'success700' : 'danger700'
              }
            >
              {entry.outcome}
            </Typography>
          </Td>
        </>
      )}
    />
  );
};
