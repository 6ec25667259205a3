import { Typography } from '@strapi/design-system';
import { Notice } from '../components/Notice';
import { useGetClientErasureQuery, type ErasureRecord } from '../api';
import { useConsentRBAC } from '../hooks/useConsentRBAC';
import { useFormatDateTime, useT } from '../hooks/useT';
import { ErasureCountList } from './EraseClientModal';

/**
 * The client's erasure, if there was one (GET /consent/subjects/:subject/erasure, a 404
 * when not; readable with plugin::consent.erase). An erasure from this panel refetches it.
 */
export const useErasure = (subject: string): ErasureRecord | null => {
  const { canErase, isLoading } = useConsentRBAC();
  const { data } = useGetClientErasureQuery(subject, { skip: isLoading || !canErase });
  return data ?? null;
};

/** Shown in place of the consent actions once a client is erased. */
export const ErasedNotice = ({ erasure }: { erasure: ErasureRecord }) => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  return (
    <Notice
      tone="danger"
      title={t('erase.erased', { date: formatDateTime(erasure.erasedAt) })}
      padding={3}
      testId="client-erased"
    >
      {erasure.reason && (
        <Typography variant="pi" textColor="neutral700">
          {t('erase.erased.reason', { reason: erasure.reason })}
        </Typography>
      )}
      {erasure.erasedByName && (
        <Typography variant="pi" textColor="neutral700">
          {t('erase.erased.by', { name: erasure.erasedByName })}
        </Typography>
      )}
      {erasure.counts && <ErasureCountList counts={erasure.counts} />}
    </Notice>
  );
};
