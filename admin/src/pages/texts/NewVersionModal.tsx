import {
  Alert,
  Box,
  Checkbox,
  Field,
  Flex,
  Radio,
  Textarea,
  Typography,
} from '@strapi/design-system';
import { useState } from 'react';
import {
  errorStatus,
  usePreviewConsentVersionMutation,
  usePublishConsentVersionMutation,
  type PublishChangeKind,
  type Purpose,
  type TextVersion,
  type VersionPreview,
} from '../../api';
import { useNotifyError } from '../../hooks/useNotifyError';
import { useSubmit } from '../../hooks/useSubmit';
import { useT } from '../../hooks/useT';
import { BodiesEditor, useBodies } from '../../components/BodiesEditor';
import { DiffView } from './DiffView';
import { FormModal } from '../../components/FormModal';

/**
 * Write a new version of a purpose's text (one body per locale), choose substantive
 * or editorial, review the diff and the clients affected, then publish.
 */
export const NewVersionModal = ({
  purpose,
  current,
  locales,
  defaultLocale,
  onClose,
  onPublished,
}: {
  purpose: Purpose;
  current: TextVersion | null;
  locales: string[];
  defaultLocale: string;
  onClose: () => void;
  onPublished: (version: TextVersion) => void;
}) => {
  const t = useT();
  const notifyError = useNotifyError();
  const [previewVersion, { isLoading: previewing }] = usePreviewConsentVersionMutation();
  const [publishVersion] = usePublishConsentVersionMutation();
  const { busy: publishing, submit } = useSubmit();
  const bodies = useBodies(locales, defaultLocale, current?.bodies);
  const [changeKind, setChangeKind] = useState<PublishChangeKind | null>(
    current ? null : 'substantive'
  );
  const [summary, setSummary] = useState('');
  const [step, setStep] = useState<'edit' | 'review'>('edit');
  const [preview, setPreview] = useState<VersionPreview | null>(null);
  const [previewFailed, setPreviewFailed] = useState(false);
  /** The review's alert, closed by the admin (shown again at the next review). */
  const [alertClosed, setAlertClosed] = useState(false);
  const [showErrors, setShowErrors] = useState(false);
  /** An editorial change of more than the limit must be confirmed as editorial (it looks like a new text). */
  const [largeConfirmed, setLargeConfirmed] = useState(false);
  const largeEditorial = step === 'review' && Boolean(preview?.change.large);

  const payload = () => ({
    changeKind: changeKind ?? 'substantive',
    bodies: bodies.filled(),
    ...(summary.trim() ? { summary: summary.trim() } : {}),
  });
  const valid = bodies.complete && Boolean(changeKind);

  const review = async () => {
    setShowErrors(true);
    if (!valid) return;
    setPreviewFailed(false);
    setAlertClosed(false);
    setLargeConfirmed(false);
    try {
      setPreview(await previewVersion({ key: purpose.key, body: payload() }).unwrap());
    } catch (error) {
      // Bad input stays in the editor; a preview that could not be made still lets the admin publish.
      if (errorStatus(error) === 400) {
        notifyError(error);
        return;
      }
      setPreview(null);
      setPreviewFailed(true);
    }
    setStep('review');
  };

  const publish = () =>
    submit(() => publishVersion({ key: purpose.key, body: payload() }).unwrap(), {
      notify: (version) =>
        t('texts.published', { version: version.version, purpose: purpose.name }),
      then: onPublished,
    });

  return (
    <FormModal
      title={
        step === 'edit'
          ? t('texts.newVersion.title', { purpose: purpose.name })
          : t('texts.review.title', { purpose: purpose.name })
      }
      submitLabel={step === 'edit' ? t('texts.review.button') : t('texts.publish.button')}
      onSubmit={step === 'edit' ? review : publish}
      onClose={onClose}
      busy={previewing || publishing}
      disabled={largeEditorial && !largeConfirmed}
      variant={step === 'review' && changeKind === 'substantive' ? 'danger' : 'default'}
      back={
        step === 'review' ? { label: t('common.back'), onClick: () => setStep('edit') } : undefined
      }
    >
      {step === 'edit' ? (
        <Flex direction="column" alignItems="stretch" gap={6}>
          <BodiesEditor {...bodies.editor} showErrors={showErrors} />
          {current && (
            <Field.Root
              name="changeKind"
              required
              error={showErrors && !changeKind ? t('form.required') : undefined}
            >
              <Field.Label>{t('texts.changeKind')}</Field.Label>
              <Radio.Group
                value={changeKind ?? undefined}
                onValueChange={(v: string) => setChangeKind(v as PublishChangeKind)}
                aria-label={t('texts.changeKind')}
              >
                <Radio.Item value="substantive">{t('texts.changeKind.substantive')}</Radio.Item>
                <Radio.Item value="editorial">{t('texts.changeKind.editorial')}</Radio.Item>
              </Radio.Group>
              <Field.Error />
            </Field.Root>
          )}
          <Field.Root name="summary" hint={t('texts.summary.hint')}>
            <Field.Label>{t('texts.summary')}</Field.Label>
            <Textarea
              value={summary}
              onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setSummary(e.target.value)}
            />
            <Field.Hint />
          </Field.Root>
        </Flex>
      ) : (
        <Flex direction="column" alignItems="stretch" gap={4}>
          {preview ? (
            <>
              {!alertClosed && (
                <Alert
                  closeLabel={t('common.close')}
                  onClose={() => setAlertClosed(true)}
                  variant={
                    preview.changeKind === 'substantive' && preview.affected.clients > 0
                      ? 'warning'
                      : 'default'
                  }
                  title={t('texts.review.version', {
                    from: preview.currentVersion ?? '–',
                    to: preview.nextVersion,
                  })}
                >
                  <span data-testid="affected-clients">
                    {preview.changeKind === 'substantive'
                      ? t('texts.review.affected.substantive', { count: preview.affected.clients })
                      : t('texts.review.affected.editorial', { count: preview.affected.clients })}
                  </span>
                </Alert>
              )}
              <Typography variant="pi" textColor="neutral600" data-testid="change-size">
                {t('texts.review.changeSize', { percent: Math.round(preview.change.share * 100) })}
              </Typography>
              {preview.change.large && (
                <Box
                  background="danger100"
                  borderColor="danger200"
                  hasRadius
                  padding={4}
                  role="group"
                  aria-label={t('texts.review.large.title', {
                    percent: Math.round(preview.change.share * 100),
                  })}
                >
                  <Flex direction="column" alignItems="flex-start" gap={2}>
                    <Typography fontWeight="bold" textColor="danger700">
                      {t('texts.review.large.title', {
                        percent: Math.round(preview.change.share * 100),
                      })}
                    </Typography>
                    <Typography>
                      {t('texts.review.large.body', {
                        limit: Math.round(preview.change.limit * 100),
                      })}
                    </Typography>
                    <Checkbox
                      checked={largeConfirmed}
                      onCheckedChange={(c) => setLargeConfirmed(c === true)}
                    >
                      {t('texts.review.large.confirm')}
                    </Checkbox>
                  </Flex>
                </Box>
              )}
              <DiffView diff={preview.diff} />
            </>
          ) : (
            previewFailed &&
            !alertClosed && (
              <Alert
                closeLabel={t('common.close')}
                onClose={() => setAlertClosed(true)}
                variant="warning"
                title={t('texts.review.noPreview')}
              >
                {changeKind === 'substantive'
                  ? t('texts.changeKind.substantive')
                  : t('texts.changeKind.editorial')}
              </Alert>
            )
          )}
          <Box>
            <Typography variant="omega">
              {changeKind === 'substantive'
                ? t('texts.review.confirm.substantive')
                : t('texts.review.confirm.editorial')}
            </Typography>
          </Box>
        </Flex>
      )}
    </FormModal>
  );
};
