import { Typography } from '@strapi/design-system';
import { useEffect, useState } from 'react';
import { StatusBadge } from '../components/StatusBadge';
import { useConsentRBAC } from '../hooks/useConsentRBAC';
import { getTranslation } from '../pluginId';
import type { ClientStatusEntry } from '../api';
import { statusOf } from './statusBatcher';

const ConsentCell = ({ documentId }: { documentId: string }) => {
  const { canRead } = useConsentRBAC();
  const [entry, setEntry] = useState<ClientStatusEntry | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    statusOf(documentId).then((value) => live && setEntry(value));
    return () => {
      live = false;
    };
  }, [documentId]);
  if (!canRead) return null;
  if (entry === undefined) return <Typography textColor="neutral500">…</Typography>;
  if (entry === null) return <Typography textColor="neutral500">–</Typography>;
  return <StatusBadge status={entry.status} />;
};

interface ListHookArgs {
  displayedHeaders: unknown[];
  layout: unknown;
}

/** The model shown by the Content Manager list view, from the URL (the hook gets no model). */
const currentModel = () =>
  window.location.pathname.match(/\/content-manager\/collection-types\/([^/?#]+)/)?.[1] ?? null;

/**
 * Hook 'Admin/CM/pages/ListView/inject-column-in-table': a "Consent" column on the
 * configured client type. `getSubjectUid` is null until the configuration is known
 * or when the admin may not read consent.
 */
export const consentColumnHook =
  (getSubjectUid: () => string | null) =>
  ({ displayedHeaders, layout }: ListHookArgs) => {
    const subjectUid = getSubjectUid();
    const model = currentModel();
    if (!subjectUid || !model || decodeURIComponent(model) !== subjectUid) {
      return { displayedHeaders, layout };
    }
    return {
      displayedHeaders: [
        ...displayedHeaders,
        {
          attribute: { type: 'string' },
          label: { id: getTranslation('column.consent'), defaultMessage: 'Consent' },
          searchable: false,
          sortable: false,
          name: 'consent',
          cellFormatter: (row: { documentId: string }) => (
            <ConsentCell documentId={row.documentId} />
          ),
        },
      ],
      layout,
    };
  };
