import { Button, Flex, MenuItem, SimpleMenu, Typography } from '@strapi/design-system';
import { Download, Trash } from '@strapi/icons';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useState } from 'react';
import { EXPORT_FORMATS, errorMessage, type ErasureRecord, type ExportFormat, type ReceiptFormat, type ReceiptResult } from '../api';
import { fileNameOf, saveBlob, saveText } from '../components/download';
import { useConsentRBAC } from '../hooks/useConsentRBAC';
import { useT, type TranslationKey } from '../hooks/useT';
import { EraseClientModal } from './EraseClientModal';

/**
 * A client's data-rights actions (GDPR Art. 15, 17, 20 and 7(1)): history export,
 * consent receipts, the subject access archive and erasure. Used in the Content
 * Manager's consent panel and in the plugin's client list; each action is shown
 * only with its permission (plugin::consent.export, plugin::consent.erase).
 */
export const DataRightsActions = ({
  subject,
  name,
  erased,
  onErased,
}: {
  subject: string;
  name: string | null;
  erased: boolean;
  onErased: (erasure: ErasureRecord) => void;
}) => {
  const t = useT();
  const { get } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { canExport, canErase } = useConsentRBAC();
  const [erasing, setErasing] = useState(false);
  const [downloading, setDownloading] = useState(false);

  const fail = (error: unknown) => toggleNotification({ type: 'danger', message: errorMessage(error) ?? t('error.generic') });

  const download = async (path: string, fallbackName: string) => {
    setDownloading(true);
    try {
      const { data, headers } = await get<Blob>(path, { responseType: 'blob' });
      saveBlob(data, fileNameOf(headers, fallbackName));
    } catch (error) {
      fail(error);
    } finally {
      setDownloading(false);
    }
  };

  const receipt = async (format: ReceiptFormat, signed: boolean) => {
    try {
      const { data } = await get<{ data: ReceiptResult }>(`/consent/subjects/${subject}/receipt?format=${format}`);
      if (signed) {
        if (!data.data.jws) {
          toggleNotification({ type: 'warning', message: t('receipt.unsigned') });
          return;
        }
        saveText(data.data.jws, `consent-receipt-${subject}.jws`, 'application/jose');
      } else {
        saveText(JSON.stringify(data.data.receipt, null, 2), `consent-receipt-${subject}-${format}.json`);
      }
    } catch (error) {
      fail(error);
    }
  };

  if (!canExport && !canErase) return null;

  return (
    <Flex direction="column" alignItems="stretch" gap={2} data-testid="data-rights-actions">
      <Typography variant="sigma" textColor="neutral600">
        {t('rights.title')}
      </Typography>
      {canExport && (
        <Flex gap={2} wrap="wrap">
          <SimpleMenu label={t('rights.export')} variant="tertiary" size="S" startIcon={<Download />} disabled={downloading}>
            {EXPORT_FORMATS.map((format: ExportFormat) => (
              <MenuItem
                key={format}
                onSelect={() => download(`/consent/subjects/${subject}/export?format=${format}`, `consent-history-${subject}.${format}`)}
              >
                {t(`rights.export.${format}` as TranslationKey)}
              </MenuItem>
            ))}
          </SimpleMenu>
          <SimpleMenu label={t('rights.receipt')} variant="tertiary" size="S" startIcon={<Download />}>
            <MenuItem onSelect={() => receipt('kantara', false)}>{t('rights.receipt.kantara')}</MenuItem>
            <MenuItem onSelect={() => receipt('iso27560', false)}>{t('rights.receipt.iso27560')}</MenuItem>
            <MenuItem onSelect={() => receipt('kantara', true)}>{t('rights.receipt.jws')}</MenuItem>
          </SimpleMenu>
          <Button
            variant="tertiary"
            size="S"
            startIcon={<Download />}
            loading={downloading}
            onClick={() => download(`/consent/subjects/${subject}/access-archive`, `subject-access-${subject}.zip`)}
          >
            {t('rights.archive')}
          </Button>
        </Flex>
      )}
      {canErase && !erased && (
        <Button fullWidth variant="danger-light" startIcon={<Trash />} onClick={() => setErasing(true)}>
          {t('rights.erase')}
        </Button>
      )}
      {erasing && (
        <EraseClientModal
          subject={subject}
          name={name}
          onClose={() => setErasing(false)}
          onErased={(result) => {
            setErasing(false);
            if (result.erasure) onErased(result.erasure);
          }}
        />
      )}
    </Flex>
  );
};
