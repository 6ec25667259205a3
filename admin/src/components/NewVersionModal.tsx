import { Alert, Box, Button, Field, Flex, Modal, Radio, Textarea, Typography } from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useState } from 'react';
import { errorMessage, type VersionPreview, type Purpose, type TextVersion } from '../api';
import { useT } from '../hooks/useT';
import { BodiesEditor, filledBodies, type Bodies } from './BodiesEditor';
import { DiffView } from './DiffView';

type ChangeKind = 'substantive' | 'editorial';

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
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [bodies, setBodies] = useState<Bodies>(() =>
    Object.fromEntries(locales.map((l) => [l, { title: current?.bodies[l]?.title ?? '', text: current?.bodies[l]?.text ?? '' }]))
  );
  const [changeKind, setChangeKind] = useState<ChangeKind | null>(current ? null : 'substantive');
  const [summary, setSummary] = useState('');
  const [step, setStep] = useState<'edit' | 'review'>('edit');
  const [preview, setPreview] = useState<VersionPreview | null>(null);
  const [previewFailed, setPreviewFailed] = useState(false);
  /** The review's alert, closed by the admin (shown again at the next review). */
  const [alertClosed, setAlertClosed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [showErrors, setShowErrors] = useState(false);

  const payload = () => ({
    changeKind: changeKind ?? 'substantive',
    bodies: filledBodies(bodies),
    ...(summary.trim() ? { summary: summary.trim() } : {}),
  });
  const defaultBody = bodies[defaultLocale];
  const valid = Boolean(defaultBody?.title.trim() && defaultBody?.text.trim() && changeKind);

  const review = async () => {
    setShowErrors(true);
    if (!valid) return;
    setBusy(true);
    setPreviewFailed(false);
    setAlertClosed(false);
    try {
      const { data } = await post<{ data: VersionPreview }>(`/consent/purposes/${purpose.key}/versions/preview`, payload());
      setPreview(data.data);
    } catch (error) {
      const status = (error as { response?: { status?: number } }).response?.status;
      if (status === 400) {
        toggleNotification({ type: 'danger', message: errorMessage(error) ?? t('error.generic') });
        setBusy(false);
        return;
      }
      setPreview(null);
      setPreviewFailed(true);
    }
    setBusy(false);
    setStep('review');
  };

  const publish = async () => {
    setBusy(true);
    try {
      const { data } = await post<{ data: TextVersion }>(`/consent/purposes/${purpose.key}/versions`, payload());
      toggleNotification({ type: 'success', message: t('texts.published', { version: data.data.version, purpose: purpose.name }) });
      onPublished(data.data);
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) ?? t('error.generic') });
      setBusy(false);
    }
  };

  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>
            {step === 'edit'
              ? t('texts.newVersion.title', { purpose: purpose.name })
              : t('texts.review.title', { purpose: purpose.name })}
          </Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {step === 'edit' ? (
            <Flex direction="column" alignItems="stretch" gap={6}>
              <BodiesEditor locales={locales} defaultLocale={defaultLocale} value={bodies} onChange={setBodies} showErrors={showErrors} />
              {current && (
                <Field.Root name="changeKind" required error={showErrors && !changeKind ? t('form.required') : undefined}>
                  <Field.Label>{t('texts.changeKind')}</Field.Label>
                  <Radio.Group
                    value={changeKind ?? undefined}
                    onValueChange={(v: string) => setChangeKind(v as ChangeKind)}
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
                <Textarea value={summary} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setSummary(e.target.value)} />
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
                      variant={preview.changeKind === 'substantive' && preview.affected.clients > 0 ? 'warning' : 'default'}
                      title={t('texts.review.version', { from: preview.currentVersion ?? '–', to: preview.nextVersion })}
                    >
                      <span data-testid="affected-clients">
                        {preview.changeKind === 'substantive'
                          ? t('texts.review.affected.substantive', { count: preview.affected.clients })
                          : t('texts.review.affected.editorial', { count: preview.affected.clients })}
                      </span>
                    </Alert>
                  )}
                  <DiffView diff={preview.diff} />
                </>
              ) : (
                previewFailed &&
                !alertClosed && (
                  <Alert closeLabel={t('common.close')} onClose={() => setAlertClosed(true)} variant="warning" title={t('texts.review.noPreview')}>
                    {changeKind === 'substantive' ? t('texts.changeKind.substantive') : t('texts.changeKind.editorial')}
                  </Alert>
                )
              )}
              <Box>
                <Typography variant="omega">
                  {changeKind === 'substantive' ? t('texts.review.confirm.substantive') : t('texts.review.confirm.editorial')}
                </Typography>
              </Box>
            </Flex>
          )}
        </Modal.Body>
        <Modal.Footer>
          {step === 'edit' ? (
            <>
              <Button variant="tertiary" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button onClick={review} loading={busy}>
                {t('texts.review.button')}
              </Button>
            </>
          ) : (
            <>
              <Button variant="tertiary" onClick={() => setStep('edit')}>
                {t('common.back')}
              </Button>
              <Button variant={changeKind === 'substantive' ? 'danger' : 'default'} onClick={publish} loading={busy}>
                {t('texts.publish.button')}
              </Button>
            </>
          )}
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
