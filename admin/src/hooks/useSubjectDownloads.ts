import { useNotification } from '@strapi/strapi/admin';
import { useCallback, useState } from 'react';
import { useIntl } from 'react-intl';
import {
  downloadAccessArchive,
  downloadClientHistory,
  useGetClientReceiptMutation,
  type ExportFormat,
  type ReceiptFormat,
} from '../api';
import { fileNameOf, saveBlob, saveText } from '../components/download';
import { useNotifyError } from './useNotifyError';
import { useT } from './useT';

/** A client's files: history export, consent receipts (JSON or JWS) and the access archive. */
export const useSubjectDownloads = (subject: string) => {
  const t = useT();
  const { toggleNotification } = useNotification();
  const fail = useNotifyError();
  const [getReceipt] = useGetClientReceiptMutation();
  const [downloading, setDownloading] = useState(false);
  const { locale } = useIntl();

  const download = useCallback(
    async (fetchFile: () => ReturnType<typeof downloadAccessArchive>, fallbackName: string) => {
      setDownloading(true);
      try {
        const { data, headers } = await fetchFile();
        saveBlob(data, fileNameOf(headers, fallbackName));
      } catch (error) {
        fail(error);
      } finally {
        setDownloading(false);
      }
    },
    [fail]
  );

  const exportHistory = (format: ExportFormat) =>
    download(
      () => downloadClientHistory(subject, format, locale),
      `consent-history-${subject}.${format}`
    );

  const accessArchive = () =>
    download(() => downloadAccessArchive(subject), `subject-access-${subject}.zip`);

  /** The receipt as JSON, or (signed) its JWS; a warning when no signing key is configured. */
  const receipt = async (format: ReceiptFormat, signed: boolean) => {
    try {
      const result = await getReceipt({ documentId: subject, format }).unwrap();
      if (!signed) {
        saveText(
          JSON.stringify(result.receipt, null, 2),
          `consent-receipt-${subject}-${format}.json`
        );
      } else if (result.jws) {
        saveText(result.jws, `consent-receipt-${subject}.jws`, 'application/jose');
      } else {
        toggleNotification({ type: 'warning', message: t('receipt.unsigned') });
      }
    } catch (error) {
      fail(error);
    }
  };

  return { downloading, exportHistory, accessArchive, receipt };
};
