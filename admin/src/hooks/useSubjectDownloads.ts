import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useCallback, useState } from 'react';
import { errorMessage, type ExportFormat, type ReceiptFormat, type ReceiptResult } from '../api';
import { fileNameOf, saveBlob, saveText } from '../components/download';
import { useT } from './useT';

/** A client's files: history export, consent receipts (JSON or JWS) and the access archive. */
export const useSubjectDownloads = (subject: string) => {
  const t = useT();
  const { get } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [downloading, setDownloading] = useState(false);

  const fail = useCallback(
    (error: unknown) => toggleNotification({ type: 'danger', message: errorMessage(error) ?? t('error.generic') }),
    [toggleNotification, t]
  );

  const download = useCallback(
    async (path: string, fallbackName: string) => {
      setDownloading(true);
      try {
        const { data, headers } = await get<Blob>(path, { responseType: 'blob' });
        saveBlob(data, fileNameOf(headers, fallbackName));
      } catch (error) {
        fail(error);
      } finally {
        setDownloading(false);
      }
    },
    [get, fail]
  );

  const exportHistory = (format: ExportFormat) =>
    download(`/consent/subjects/${subject}/export?format=${format}`, `consent-history-${subject}.${format}`);

  const accessArchive = () => download(`/consent/subjects/${subject}/access-archive`, `subject-access-${subject}.zip`);

  /** The receipt as JSON, or (signed) its JWS; a warning when no signing key is configured. */
  const receipt = async (format: ReceiptFormat, signed: boolean) => {
    try {
      const { data } = await get<{ data: ReceiptResult }>(`/consent/subjects/${subject}/receipt?format=${format}`);
      if (!signed) {
        saveText(JSON.stringify(data.data.receipt, null, 2), `consent-receipt-${subject}-${format}.json`);
      } else if (data.data.jws) {
        saveText(data.data.jws, `consent-receipt-${subject}.jws`, 'application/jose');
      } else {
        toggleNotification({ type: 'warning', message: t('receipt.unsigned') });
      }
    } catch (error) {
      fail(error);
    }
  };

  return { downloading, exportHistory, accessArchive, receipt };
};
