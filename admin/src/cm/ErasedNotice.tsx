import { Box, Flex, Typography } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import { useFetchClient } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';
import type { ErasureResult } from '../api';
import { useConsentRBAC } from '../hooks/useConsentRBAC';
import { useFormatDateTime, useT } from '../hooks/useT';
import { ErasureCountList, erasureCounts } from './EraseClientModal';

const erasedAtOf = (erasure: ErasureResult): string | null =>
  (erasure.erasedAt as string | null | undefined) ?? (erasure.createdAt as string | undefined) ?? null;

/**
 * The client's erasure, if there was one (GET /consent/erasures?subject=, readable with
 * plugin::consent.erase); the setter lets the panel show a fresh erasure at once.
 */
export const useErasure = (subject: string) => {
  const { get } = useFetchClient();
  const { canErase, isLoading } = useConsentRBAC();
  const [erasure, setErasure] = useState<ErasureResult | null>(null);
  useEffect(() => {
    if (isLoading || !canErase) return undefined;
    let live = true;
    get<{ data: ErasureResult[] | { erasures?: ErasureResult[] } }>(`/consent/erasures?subject=${encodeURIComponent(subject)}`)
      .then(({ data }) => {
        const list = Array.isArray(data.data) ? data.data : (data.data?.erasures ?? []);
        // Only this client's real erasures, whether or not the server filtered by subject.
        const found = list.find((e) => e.subject === subject && !e.dryRun && (e.status === undefined || e.status === 'done' || e.status === 'completed'));
        if (live && found) setErasure(found);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [get, subject, canErase, isLoading]);
  return [erasure, setErasure] as const;
};

/** Shown in place of the consent actions once a client is erased. */
export const ErasedNotice = ({ erasure }: { erasure: ErasureResult }) => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  const counts = erasureCounts(erasure);
  return (
    <Box background="danger100" borderColor="danger200" hasRadius padding={3} role="status" data-testid="client-erased">
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Flex gap={2}>
          <WarningCircle fill="danger600" />
          <Typography fontWeight="bold" textColor="danger700">
            {t('erase.erased', { date: formatDateTime(erasedAtOf(erasure)) })}
          </Typography>
        </Flex>
        {typeof erasure.reason === 'string' && erasure.reason && (
          <Typography variant="pi" textColor="neutral700">
            {t('erase.erased.reason', { reason: erasure.reason })}
          </Typography>
        )}
        {Object.keys(counts).length > 0 && <ErasureCountList counts={counts} />}
      </Flex>
    </Box>
  );
};
