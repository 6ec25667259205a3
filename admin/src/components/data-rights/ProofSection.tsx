import { Box, Button, Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { CheckCircle, Lock, Shield, WarningCircle } from '@strapi/icons';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage, type BrokenLink, type Checkpoint, type VerifyResult } from '../../api';
import { useFormatDateTime, useT } from '../../hooks/useT';
import { Card } from './Card';

const rootOf = (c: Checkpoint) => String(c.root ?? c.merkleRoot ?? '');
const sealedAtOf = (c: Checkpoint) => (c.sealedAt as string | undefined) ?? (c.createdAt as string | undefined) ?? null;
const sizeOf = (c: Checkpoint) => (c.subjects as number | undefined) ?? (c.leaves as number | undefined) ?? (c.heads as number | undefined) ?? null;

/** The first broken link, as plain words: which client's chain, which row, why. */
const describe = (broken: BrokenLink) =>
  Object.entries(broken)
    .filter(([, value]) => value !== null && value !== undefined && typeof value !== 'object')
    .map(([key, value]) => `${key}: ${value}`)
    .join(' · ');

/**
 * Tamper evidence: verify every client's hash chain and the sealed checkpoints in one
 * pass (GET /consent/proof/verify), and seal a checkpoint of the chain heads now.
 */
export const ProofSection = () => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [result, setResult] = useState<VerifyResult | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [sealing, setSealing] = useState(false);
  const [checkpoints, setCheckpoints] = useState<Checkpoint[] | null>(null);

  const loadCheckpoints = useCallback(
    () =>
      get<{ data: Checkpoint[] | { checkpoints?: Checkpoint[] } }>('/consent/proof/checkpoints')
        .then(({ data }) => setCheckpoints(Array.isArray(data.data) ? data.data : (data.data?.checkpoints ?? [])))
        .catch(() => setCheckpoints([])),
    [get]
  );
  useEffect(() => {
    loadCheckpoints();
  }, [loadCheckpoints]);

  const verify = async () => {
    setVerifying(true);
    setResult(null);
    try {
      const { data } = await get<{ data: VerifyResult }>('/consent/proof/verify');
      setResult(data.data);
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) ?? t('error.generic') });
    } finally {
      setVerifying(false);
    }
  };

  const seal = async () => {
    setSealing(true);
    try {
      await post('/consent/proof/checkpoints', {});
      toggleNotification({ type: 'success', message: t('proof.sealed') });
      loadCheckpoints();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) ?? t('error.generic') });
    } finally {
      setSealing(false);
    }
  };

  return (
    <Card
      title={t('proof.title')}
      actions={
        <Flex gap={2}>
          <Button variant="secondary" startIcon={<Lock />} onClick={seal} loading={sealing}>
            {t('proof.seal')}
          </Button>
          <Button startIcon={<Shield />} onClick={verify} loading={verifying}>
            {t('proof.verify')}
          </Button>
        </Flex>
      }
    >
      <Typography variant="pi" textColor="neutral600">
        {t('proof.hint')}
      </Typography>
      {result && (
        <Box
          background={result.ok ? 'success100' : 'danger100'}
          borderColor={result.ok ? 'success200' : 'danger200'}
          hasRadius
          padding={4}
          role="status"
          data-testid="proof-result"
        >
          <Flex direction="column" alignItems="stretch" gap={2}>
            <Flex gap={2}>
              {result.ok ? <CheckCircle fill="success600" /> : <WarningCircle fill="danger600" />}
              <Typography fontWeight="bold" textColor={result.ok ? 'success700' : 'danger700'}>
                {result.ok ? t('proof.ok') : t('proof.broken')}
              </Typography>
            </Flex>
            <Typography>
              {t('proof.counts', {
                events: result.events,
                subjects: result.subjects,
                checkpoints: result.checkpoints,
                seconds: (result.durationMs / 1000).toFixed(1),
              })}
            </Typography>
            {result.firstBroken && (
              <Typography textColor="danger700" data-testid="proof-first-broken">
                {t('proof.firstBroken', { link: describe(result.firstBroken) })}
              </Typography>
            )}
          </Flex>
        </Box>
      )}
      <Typography variant="sigma" textColor="neutral600" tag="h3">
        {t('proof.checkpoints')}
      </Typography>
      {checkpoints && checkpoints.length === 0 ? (
        <Typography textColor="neutral600">{t('proof.checkpoints.none')}</Typography>
      ) : (
        <Table colCount={3} rowCount={(checkpoints?.length ?? 0) + 1}>
          <Thead>
            <Tr>
              <Th><Typography variant="sigma">{t('proof.col.sealedAt')}</Typography></Th>
              <Th><Typography variant="sigma">{t('proof.col.chains')}</Typography></Th>
              <Th><Typography variant="sigma">{t('proof.col.root')}</Typography></Th>
            </Tr>
          </Thead>
          <Tbody>
            {checkpoints?.slice(0, 20).map((c) => (
              <Tr key={String(c.id)} data-testid="checkpoint">
                <Td><Typography>{formatDateTime(sealedAtOf(c))}</Typography></Td>
                <Td><Typography>{sizeOf(c) ?? '–'}</Typography></Td>
                <Td>
                  <Typography variant="pi" style={{ fontFamily: 'monospace' }} title={rootOf(c)}>
                    {rootOf(c).slice(0, 16)}…
                  </Typography>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </Card>
  );
};
