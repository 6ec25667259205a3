import { IconButton, Menu } from '@strapi/design-system';
import { More } from '@strapi/icons';
import { useState } from 'react';
import { EXPORT_FORMATS, type ExportFormat } from '../api';
import { useConsentRBAC } from '../hooks/useConsentRBAC';
import { useSubjectDownloads } from '../hooks/useSubjectDownloads';
import { useT, type TranslationKey } from '../hooks/useT';
import { EraseClientModal } from './EraseClientModal';

/**
 * The data-rights actions of one row of the plugin's client list, in a menu: the
 * same exports, receipts, access archive and erasure as the Content Manager's panel.
 */
export const ClientRowActions = ({ subject, name }: { subject: string; name: string | null }) => {
  const t = useT();
  const { canExport, canErase } = useConsentRBAC();
  const { exportHistory, accessArchive, receipt } = useSubjectDownloads(subject);
  const [erasing, setErasing] = useState(false);
  if (!canExport && !canErase) return null;
  return (
    <>
      <Menu.Root>
        <Menu.Trigger
          tag={IconButton}
          icon={<More />}
          label={t('rights.rowMenu', { name: name ?? subject })}
          variant="ghost"
        />
        <Menu.Content popoverPlacement="bottom-end">
          {canExport && (
            <>
              <Menu.Label>{t('rights.export')}</Menu.Label>
              {EXPORT_FORMATS.map((format: ExportFormat) => (
                <Menu.Item key={format} onSelect={() => exportHistory(format)}>
                  {t(`rights.export.${format}` as TranslationKey)}
                </Menu.Item>
              ))}
              <Menu.Separator />
              <Menu.Label>{t('rights.receipt')}</Menu.Label>
              <Menu.Item onSelect={() => receipt('kantara', false)}>
                {t('rights.receipt.kantara')}
              </Menu.Item>
              <Menu.Item onSelect={() => receipt('iso27560', false)}>
                {t('rights.receipt.iso27560')}
              </Menu.Item>
              <Menu.Item onSelect={() => receipt('kantara', true)}>
                {t('rights.receipt.jws')}
              </Menu.Item>
              <Menu.Separator />
              <Menu.Item onSelect={accessArchive}>{t('rights.archive')}</Menu.Item>
            </>
          )}
          {canErase && (
            <Menu.Item variant="danger" onSelect={() => setErasing(true)}>
              {t('rights.erase')}
            </Menu.Item>
          )}
        </Menu.Content>
      </Menu.Root>
      {erasing && (
        <EraseClientModal
          subject={subject}
          name={name}
          onClose={() => setErasing(false)}
          onErased={() => setErasing(false)}
        />
      )}
    </>
  );
};
