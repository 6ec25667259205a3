import { Box, Flex, Typography } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import { useFetchClient } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';
import type { ErasureRecord } from '../api';
import { useConsentRBAC } from '../hooks/useConsentRBAC';
import { useFormatDateTime, useT } from '../hooks/useT';
import { ErasureCountList } from './EraseClientModal';

/**
 * The client's erasure, if there was one (GET /consent/subjects/:subject/erasure, a 404
 * when not; readable with plugin::consent.erase); the setter shows a fresh erasure at once.
 */
export const useErasure = (subject: string) => {
  const { get } = useFetchClient();
  const { canErase, isLoading } = useConsentRBAC();
  const [erasure, setErasure] = useState<ErasureRecord | null>(null);
  useEffect(() => {
    if (isLoading || !canErase) return undefined;
    let live = true;
    get<{ data: ErasureRecord }>(`/consent/subjects/${subject}/erasure`)
      .then(({ data }) => live && setErasure(data.data))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [get, subject, canErase, isLoading]);
  return [erasure, setErasure] as const;
};

/** Shown in place of the consent actions once a client is erased. */
export const ErasedNotice = ({ erasure }: { erasure: ErasureRecord }) => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  return (
    <Box background="danger100" borderColor="danger200" hasRadius padding={3} role="status" data-testid="client-erased">
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Flex gap={2}>
          <WarningCircle fill="danger600" />
          <Typography fontWeight="bold" textColor="danger700">
            {t('erase.erased', { date: formatDateTime(erasure.erasedAt) })}
          </Typography>
        </Flex>
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
      </Flex>
    </Box>
  );
};
