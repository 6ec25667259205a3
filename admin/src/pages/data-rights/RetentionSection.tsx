import { Badge, Button, Field, Flex, NumberInput, Td, Typography } from '@strapi/design-system';
import { ArrowClockwise, Search, Trash } from '@strapi/icons';
import { useState } from 'react';
import {
  useCancelRetentionRunMutation,
  useCreateRetentionRunMutation,
  useGetRetentionRunsQuery,
  usePreviewRetentionMutation,
  type RetentionClient,
  type RetentionPreview,
  type RetentionRun,
} from '../../api';
import { EraseFields, useEraseConfirmation } from '../../components/EraseFields';
import { useSubmit } from '../../hooks/useSubmit';
import { FormModal } from '../../components/FormModal';
import { useFormatDateTime, useT, type TranslationKey } from '../../hooks/useT';
import { Card } from '../../components/Card';
import { DataTable } from '../../components/DataTable';
import { JobRow, ProgressLine } from '../../components/Progress';

const ACTIVE: RetentionRun['status'][] = ['queued', 'running'];
const isActive = (run: RetentionRun | undefined) => Boolean(run && ACTIVE.includes(run.status));
const POLL_MS = 1000;
const SHOWN = 10;

const RUN_COLORS: Record<RetentionRun['status'], [string, string]> = {
  queued: ['neutral150', 'neutral700'],
  running: ['primary100', 'primary700'],
  done: ['success100', 'success700'],
  failed: ['danger100', 'danger700'],
  cancelled: ['neutral150', 'neutral700'],
};

const RunStatus = ({ status }: { status: RetentionRun['status'] }) => {
  const t = useT();
  const [background, text] = RUN_COLORS[status] ?? RUN_COLORS.queued;
  return (
    <Badge backgroundColor={background} textColor={text}>
      {t(`retention.status.${status}` as TranslationKey)}
    </Badge>
  );
};

const runPercent = (run: RetentionRun) =>
  run.total > 0 ? Math.min(100, Math.round(((run.erased + run.failed) / run.total) * 100)) : 100;

const clientName = (c: RetentionClient) => c.name || c.documentId;

/** Confirm a bulk erasure: a reason, and the number of clients (or ERASE) typed out. */
const ConfirmRunModal = ({
  preview,
  onClose,
  onStarted,
}: {
  preview: RetentionPreview;
  onClose: () => void;
  onStarted: (run: RetentionRun) => void;
}) => {
  const t = useT();
  const [createRun] = useCreateRetentionRunMutation();
  const { busy, submit } = useSubmit();
  const confirmation = useEraseConfirmation(
    String(preview.total),
    t('retention.reason.default', { months: preview.inactiveMonths })
  );

  const start = () => {
    if (!confirmation.ready) return;
    const input = {
      inactiveMonths: preview.inactiveMonths,
      expectedTotal: preview.total,
      reason: confirmation.reason.trim(),
    };
    submit(() => createRun(input).unwrap(), {
      notify: () => t('retention.started', { count: preview.total }),
      then: onStarted,
    });
  };

  return (
    <FormModal
      title={t('retention.confirm.title', { count: preview.total })}
      submitLabel={t('retention.erase', { count: preview.total })}
      onSubmit={start}
      onClose={onClose}
      busy={busy}
      disabled={!confirmation.ready}
      variant="danger"
      lockWhileBusy
    >
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Typography>
          {t('retention.confirm.intro', { count: preview.total, months: preview.inactiveMonths })}
        </Typography>
        <EraseFields confirmation={confirmation} />
      </Flex>
    </FormModal>
  );
};

/**
 * Retention (GDPR Art. 5(1)(e)): who has had no booking for N months, as a dry run,
 * then their erasure in batches by the worker, with progress polled from the run.
 */
export const RetentionSection = ({ canErase }: { canErase: boolean }) => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  const [months, setMonths] = useState<number>(24);
  /** The preview, and the run started from it: the preview goes when that run ends. */
  const [previewed, setPreviewed] = useState<{
    preview: RetentionPreview;
    run: string | null;
  } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const runsQuery = useGetRetentionRunsQuery();
  const runs = runsQuery.isError ? [] : (runsQuery.data ?? null);
  const active = runs?.find(isActive);
  // While a run is in progress, a second subscription polls the list until it ends.
  useGetRetentionRunsQuery(undefined, { skip: !active, pollingInterval: POLL_MS });
  const startedRun = previewed?.run
    ? runs?.find((run) => run.documentId === previewed.run)
    : undefined;
  const preview =
    previewed && !(previewed.run && startedRun && !isActive(startedRun)) ? previewed.preview : null;
  const [previewRetention] = usePreviewRetentionMutation();
  const [cancelRun] = useCancelRetentionRunMutation();
  const { busy: previewing, submit: submitPreview } = useSubmit();
  const { submit } = useSubmit();

  const runPreview = () =>
    submitPreview(() => previewRetention({ inactiveMonths: months }).unwrap(), {
      then: (result) => setPreviewed({ preview: result, run: null }),
    });

  const cancel = (run: RetentionRun) =>
    submit(() => cancelRun(run.documentId).unwrap(), { notify: () => t('retention.cancelled') });

  return (
    <Card
      title={t('retention.title')}
      actions={
        <Button variant="tertiary" startIcon={<ArrowClockwise />} onClick={runsQuery.refetch}>
          {t('common.refresh')}
        </Button>
      }
    >
      <Typography variant="pi" textColor="neutral600">
        {t('retention.hint')}
      </Typography>
      <Flex gap={4} alignItems="flex-end">
        <Field.Root name="inactiveMonths" hint={t('retention.months.hint')}>
          <Field.Label>{t('retention.months')}</Field.Label>
          <NumberInput value={months} onValueChange={(n) => setMonths(n ?? 1)} />
        </Field.Root>
        <Button
          variant="secondary"
          startIcon={<Search />}
          onClick={runPreview}
          loading={previewing}
          disabled={!months || months < 1}
        >
          {t('retention.preview')}
        </Button>
      </Flex>

      {preview && (
        <Flex direction="column" alignItems="stretch" gap={3} data-testid="retention-preview">
          <Flex justifyContent="space-between" gap={4}>
            <Typography fontWeight="bold">
              {t('retention.preview.total', {
                count: preview.total,
                date: formatDateTime(preview.cutoff),
              })}
            </Typography>
            {canErase && preview.total > 0 && !active && (
              <Button variant="danger" startIcon={<Trash />} onClick={() => setConfirming(true)}>
                {t('retention.erase', { count: preview.total })}
              </Button>
            )}
          </Flex>
          {preview.clients.length > 0 && (
            <DataTable
              headers={[t('clients.col.name'), t('retention.col.lastActivity')]}
              rows={preview.clients.slice(0, SHOWN)}
              rowKey={(client) => client.documentId}
              rowTestId="retention-client"
              renderCells={(client) => (
                <>
                  <Td>
                    <Typography>{clientName(client)}</Typography>
                  </Td>
                  <Td>
                    <Typography>
                      {client.lastActivityAt
                        ? formatDateTime(client.lastActivityAt)
                        : t('retention.never')}
                    </Typography>
                  </Td>
                </>
              )}
            />
          )}
          {preview.total > SHOWN && (
            <Typography variant="pi" textColor="neutral600">
              {t('retention.preview.more', {
                count: preview.total - Math.min(SHOWN, preview.clients.length),
              })}
            </Typography>
          )}
        </Flex>
      )}

      <Typography variant="sigma" textColor="neutral600" tag="h3">
        {t('retention.runs')}
      </Typography>
      {runs && runs.length === 0 && (
        <Typography textColor="neutral600">{t('retention.runs.none')}</Typography>
      )}
      {runs?.map((run) => (
        <JobRow
          key={run.documentId}
          testId="retention-run"
          status={<RunStatus status={run.status} />}
          createdAt={run.createdAt}
          createdBy={run.createdByName}
          detail={t('retention.run.months', { months: run.inactiveMonths })}
          actions={
            canErase &&
            ACTIVE.includes(run.status) && (
              <Button size="S" variant="danger-light" onClick={() => cancel(run)}>
                {t('campaigns.action.cancel')}
              </Button>
            )
          }
        >
          <ProgressLine
            percent={runPercent(run)}
            label={t('retention.run.progress', {
              erased: run.erased,
              failed: run.failed,
              total: run.total,
            })}
          />
        </JobRow>
      ))}

      {confirming && preview && (
        <ConfirmRunModal
          preview={preview}
          onClose={() => setConfirming(false)}
          onStarted={(run) => {
            setConfirming(false);
            setPreviewed({ preview, run: run.documentId });
          }}
        />
      )}
    </Card>
  );
};
