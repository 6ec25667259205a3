import { Button, Flex, MenuItem, SimpleMenu, Typography } from '@strapi/design-system';
import { Download, Trash } from '@strapi/icons';
import { useState } from 'react';
import { EXPORT_FORMATS, erasureRecordOf, type ErasureRecord, type ExportFormat } from '../api';
import { useConsentRBAC } from '../hooks/useConsentRBAC';
import { useSubjectDownloads } from '../hooks/useSubjectDownloads';
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
  const { canExport, canErase } = useConsentRBAC();
  const [erasing, setErasing] = useState(false);
  const { downloading, exportHistory, accessArchive, receipt } = useSubjectDownloads(subject);

  if (!canExport && !canErase) return null;

  return (
    <Flex direction="column" alignItems="stretch" gap={2} data-testid="data-rights-actions">
      <Typography variant="sigma" textColor="neutral600">
        {t('rights.title')}
      </Typography>
      {canExport && (
        <Flex gap={2} wrap="wrap">
          <SimpleMenu
            label={t('rights.export')}
            variant="tertiary"
            size="S"
            startIcon={<Download />}
            disabled={downloading}
          >
            {EXPORT_FORMATS.map((format: ExportFormat) => (
              <MenuItem key={format} onSelect={() => exportHistory(format)}>
                {t(`rights.export.${format}` as TranslationKey)}
              </MenuItem>
            ))}
          </SimpleMenu>
          <SimpleMenu
            label={t('rights.receipt')}
            variant="tertiary"
            size="S"
            startIcon={<Download />}
          >
            <MenuItem onSelect={() => receipt('kantara', false)}>
              {t('rights.receipt.kantara')}
            </MenuItem>
            <MenuItem onSelect={() => receipt('iso27560', false)}>
              {t('rights.receipt.iso27560')}
            </MenuItem>
            <MenuItem onSelect={() => receipt('kantara', true)}>{t('rights.receipt.jws')}</MenuItem>
          </SimpleMenu>
          <Button
            variant="tertiary"
            size="S"
            startIcon={<Download />}
            loading={downloading}
            onClick={accessArchive}
          >
            {t('rights.archive')}
          </Button>
        </Flex>
      )}
      {canErase && !erased && (
        <Button
          fullWidth
          variant="danger-light"
          startIcon={<Trash />}
          onClick={() => setErasing(true)}
        >
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
            const record = erasureRecordOf(result);
            if (record) onErased(record);
          }}
        />
      )}
    </Flex>
  );
};
