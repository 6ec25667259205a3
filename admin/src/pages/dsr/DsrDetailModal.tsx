import { Box, Flex, Typography } from '@strapi/design-system';
import { useState } from 'react';
import {
  useExtendDsrRequestMutation,
  useGetDsrRequestQuery,
  useTransitionDsrRequestMutation,
  type DsrStatus,
} from '../../api';
import { SelectField, TextField } from '../../components/Fields';
import { FormModal } from '../../components/FormModal';
import { useSubmit } from '../../hooks/useSubmit';
import { useFormatDateTime, useT, type TranslationKey } from '../../hooks/useT';

type Step = DsrStatus | 'extend' | '';

/** One request: its fields and history, and its next step (a transition or the one extension). */
export const DsrDetailModal = ({
  documentId,
  transitions,
  canHandle,
  onClose,
}: {
  documentId: string;
  transitions: Readonly<Record<DsrStatus, readonly DsrStatus[]>>;
  canHandle: boolean;
  onClose: () => void;
}) => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  const { data: request } = useGetDsrRequestQuery(documentId);
  const [transition] = useTransitionDsrRequestMutation();
  const [extend] = useExtendDsrRequestMutation();
  const { submit, busy } = useSubmit();
  const [step, setStep] = useState<Step>('');
  const [method, setMethod] = useState('');
  const [reason, setReason] = useState('');
  const [months, setMonths] = useState('1');

  const steps: Step[] = request
    ? [
        ...transitions[request.status],
        ...(!request.extendedAt && transitions[request.status].length ? ['extend' as const] : []),
      ]
    : [];

  const apply = () => {
    if (!step) return;
    const reset = () => {
      setStep('');
      setMethod('');
      setReason('');
    };
    if (step === 'extend')
      return submit(
        () => extend({ documentId, body: { months: months === '2' ? 2 : 1, reason } }).unwrap(),
        { notify: () => t('dsr.extended'), then: reset }
      );
    return submit(
      () =>
        transition({
          documentId,
          body: {
            to: step,
            ...(step === 'verified' ? { verificationMethod: method } : {}),
            ...(step === 'refused' ? { reason } : {}),
          },
        }).unwrap(),
      { notify: () => t('dsr.changed'), then: reset }
    );
  };

  const line = (label: string, value: string | null | undefined) => (
    <Typography>
      <Typography fontWeight="bold">{label}: </Typography>
      {value || '–'}
    </Typography>
  );

  return (
    <FormModal
      title={t('dsr.detailTitle', { id: documentId })}
      submitLabel={t('dsr.apply')}
      onSubmit={apply}
      onClose={onClose}
      busy={busy}
      disabled={!canHandle || !step}
    >
      {request && (
        <Flex direction="column" alignItems="stretch" gap={3}>
          {line(t('dsr.col.kind'), t(`dsrKind.${request.kind}` as TranslationKey))}
          <Box data-testid="dsr-status">
            {line(t('dsr.col.status'), t(`dsrStatus.${request.status}` as TranslationKey))}
          </Box>
          {line(t('dsr.client'), request.client ?? t('dsr.unidentified'))}
          {line(t('dsr.channel'), t(`dsrChannel.${request.channel}` as TranslationKey))}
          {line(t('dsr.col.received'), formatDateTime(request.receivedAt))}
          {line(t('dsr.col.due'), formatDateTime(request.dueAt))}
          {request.extensionReason &&
            line(t('dsr.extension'), `+${request.extensionMonths}: ${request.extensionReason}`)}
          {request.verificationMethod && line(t('dsr.verification'), request.verificationMethod)}
          {request.refusalReason && line(t('dsr.refusal'), request.refusalReason)}
          <Typography variant="delta" tag="h3">
            {t('dsr.history')}
          </Typography>
          <Box tag="ol" data-testid="dsr-history">
            {request.history.map((h) => (
              <li key={h.id}>
                <Typography>
                  {formatDateTime(h.occurredAt)} · {t(`dsrChange.${h.change}` as TranslationKey)}
                  {h.toStatus ? ` → ${t(`dsrStatus.${h.toStatus}` as TranslationKey)}` : ''} ·{' '}
                  {h.actorName ?? h.actorType}
                </Typography>
              </li>
            ))}
          </Box>
          {canHandle && steps.length > 0 && (
            <>
              <SelectField
                name="step"
                label={t('dsr.nextStep')}
                value={step}
                options={steps.map((s) => ({
                  value: s,
                  label: t(`dsrStep.${s}` as TranslationKey),
                }))}
                onChange={(v) => setStep(v as Step)}
              />
              {step === 'verified' && (
                <TextField
                  name="verificationMethod"
                  label={t('dsr.verification')}
                  hint={t('dsr.verificationHint')}
                  value={method}
                  onChange={setMethod}
                />
              )}
              {step === 'extend' && (
                <SelectField
                  name="months"
                  label={t('dsr.months')}
                  value={months}
                  options={[
                    { value: '1', label: '1' },
                    { value: '2', label: '2' },
                  ]}
                  onChange={setMonths}
                />
              )}
              {(step === 'refused' || step === 'extend') && (
                <TextField
                  name="reason"
                  label={t('dsr.reason')}
                  value={reason}
                  onChange={setReason}
                />
              )}
            </>
          )}
        </Flex>
      )}
    </FormModal>
  );
};
