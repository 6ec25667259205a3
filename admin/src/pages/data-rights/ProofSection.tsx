import { Button, Flex, Td, Typography } from '@strapi/design-system';
import { Lock, Shield } from '@strapi/icons';
import { useState } from 'react';
import {
  useGetConsentCheckpointsQuery,
  useSealConsentCheckpointMutation,
  useVerifyConsentProofMutation,
  type BrokenLink,
  type VerifyResult,
} from '../../api';
import { useSubmit } from '../../hooks/useSubmit';
import { useFormatDateTime, useT } from '../../hooks/useT';
import { Card } from '../../components/Card';
import { DataTable } from '../../components/DataTable';
import { Notice } from '../../components/Notice';

/** Where the first broken link is: the client's chain, the event row and its place in the chain, or the checkpoint. */
const whereBroken = (t: ReturnType<typeof useT>, broken: BrokenLink) =>
  [
    broken.subject ? t('proof.where.client', { subject: broken.subject }) : null,
    broken.eventId !== undefined ? t('proof.where.event', { id: broken.eventId }) : null,
    broken.chainSeq !== undefined ? t('proof.where.seq', { seq: broken.chainSeq }) : null,
    broken.checkpoint !== undefined
      ? t('proof.where.checkpoint', { seq: broken.checkpoint })
      : null,
  ]
    .filter(Boolean)
    .join(' · ');

/**
 * Tamper evidence: verify every client's hash chain and the sealed checkpoints in one
 * pass (GET /consent/proof/verify), and seal a checkpoint of the chain heads now.
 */
export const ProofSection = () => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  const [result, setResult] = useState<VerifyResult | null>(null);
  const checkpointsQuery = useGetConsentCheckpointsQuery();
  const checkpoints = checkpointsQuery.isError ? [] : (checkpointsQuery.data ?? null);
  const [verifyProof] = useVerifyConsentProofMutation();
  const [sealCheckpoint] = useSealConsentCheckpointMutation();
  const { busy: verifying, submit: submitVerify } = useSubmit();
  const { busy: sealing, submit: submitSeal } = useSubmit();

  const verify = () => {
    setResult(null);
    submitVerify(() => verifyProof().unwrap(), { then: setResult });
  };

  // No chain moved since the last checkpoint: nothing new to seal.
  const seal = () =>
    submitSeal(() => sealCheckpoint().unwrap(), {
      notify: (checkpoint) =>
        checkpoint ? t('proof.sealed') : { type: 'info', message: t('proof.unchanged') },
    });

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
        <Notice
          tone={result.ok ? 'success' : 'danger'}
          title={result.ok ? t('proof.ok') : t('proof.broken')}
          testId="proof-result"
        >
          <Typography>
            {t('proof.counts', {
              events: result.events,
              subjects: result.subjects,
              checkpoints: result.checkpoints,
              seconds: (result.durationMs / 1000).toFixed(result.durationMs < 1000 ? 2 : 1),
            })}
          </Typography>
          {result.firstBroken && (
            <Typography textColor="danger700" data-testid="proof-first-broken">
              {t('proof.firstBroken', {
                where: whereBroken(t, result.firstBroken),
                message: result.firstBroken.message,
              })}
            </Typography>
          )}
        </Notice>
      )}
      <Typography variant="sigma" textColor="neutral600" tag="h3">
        {t('proof.checkpoints')}
      </Typography>
      {checkpoints && checkpoints.length === 0 ? (
        <Typography textColor="neutral600">{t('proof.checkpoints.none')}</Typography>
      ) : (
        <DataTable
          headers={[
            t('proof.col.seq'),
            t('proof.col.sealedAt'),
            t('proof.col.chains'),
            t('proof.col.root'),
          ]}
          rows={checkpoints?.slice(0, 20)}
          rowKey={(c) => c.id}
          rowTestId="checkpoint"
          renderCells={(c) => (
            <>
              <Td>
                <Typography>{c.seq}</Typography>
              </Td>
              <Td>
                <Typography>{formatDateTime(c.sealedAt)}</Typography>
              </Td>
              <Td>
                <Typography>{c.leafCount}</Typography>
              </Td>
              <Td>
                <Typography variant="pi" style={{ fontFamily: 'monospace' }} title={c.root}>
                  {c.root.slice(0, 16)}…
                </Typography>
              </Td>
            </>
          )}
        />
      )}
    </Card>
  );
};
