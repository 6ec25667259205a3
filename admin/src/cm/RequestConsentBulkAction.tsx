import { Mail } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import { useCreateConsentCampaignMutation } from '../api';
import { useConsentConfig } from '../hooks/useConsentConfig';
import { useConsentRBAC } from '../hooks/useConsentRBAC';
import { useNotifyError } from '../hooks/useNotifyError';
import { useT } from '../hooks/useT';

interface ListViewProps {
  model: string;
  documents: { documentId: string }[];
  collectionType: string;
}

/** Bulk action on the client list: ask the selected clients for consent (one campaign). */
export const RequestConsentBulkAction = ({ model, documents }: ListViewProps) => {
  const t = useT();
  const [createCampaign] = useCreateConsentCampaignMutation();
  const { toggleNotification } = useNotification();
  const notifyError = useNotifyError();
  const config = useConsentConfig();
  const { canRead, canRequest, isLoading } = useConsentRBAC();
  if (isLoading || !canRead || !canRequest || !config || model !== config.subject.uid) return null;
  const subjects = documents.map((d) => d.documentId);
  return {
    label: t('cm.bulk.request'),
    icon: <Mail />,
    variant: 'secondary' as const,
    dialog: {
      type: 'dialog' as const,
      title: t('cm.bulk.request'),
      content: t('cm.bulk.request.confirm', { count: subjects.length }),
      confirmLabel: t('cm.bulk.request.send'),
      onConfirm: async () => {
        try {
          const campaign = await createCampaign({
            name: t('cm.bulk.campaignName', {
              count: subjects.length,
              date: new Date().toLocaleString(),
            }),
            audience: { subjects },
          }).unwrap();
          toggleNotification({
            type: 'success',
            message: t('clients.requestsQueued', { count: campaign?.total ?? subjects.length }),
          });
        } catch (error) {
          notifyError(error);
        }
      },
    },
  };
};
