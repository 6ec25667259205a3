import { Button, Checkbox, Field, Flex, Modal, Textarea, Typography } from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useState } from 'react';
import { errorMessage, type PurposeState } from '../api';
import { useT } from '../hooks/useT';

/** Staff annul (revoke) given consents, with a required reason kept in the event's note. */
export const AnnulConsentModal = ({
  subject,
  purposes,
  onClose,
  onDone,
}: {
  subject: string;
  purposes: PurposeState[];
  onClose: () => void;
  onDone: () => void;
}) => {
  const t = useT();
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const givenPurposes = purposes.filter((p) => p.decision?.decision === 'given');
  const [chosen, setChosen] = useState<Record<string, boolean>>(() => Object.fromEntries(givenPurposes.map((p) => [p.purpose, true])));
  const [reason, setReason] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const [busy, setBusy] = useState(false);
  const keys = givenPurposes.filter((p) => chosen[p.purpose]).map((p) => p.purpose);

  const annul = async () => {
    setShowErrors(true);
    if (!reason.trim() || keys.length === 0) return;
    setBusy(true);
    try {
      await post(`/consent/subjects/${subject}/decisions`, {
        decisions: keys.map((purpose) => ({ purpose, decision: 'revoked' })),
        note: reason.trim(),
        channel: 'in_person',
      });
      toggleNotification({ type: 'success', message: t('panel.annul.done') });
      onDone();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) ?? t('error.generic') });
      setBusy(false);
    }
  };

  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{t('panel.annul.title')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            {givenPurposes.length === 0 ? (
              <Typography>{t('panel.annul.nothing')}</Typography>
            ) : (
              givenPurposes.map((p) => (
                <Checkbox key={p.purpose} checked={Boolean(chosen[p.purpose])} onCheckedChange={(c) => setChosen({ ...chosen, [p.purpose]: c === true })}>
                  {p.name}
                </Checkbox>
              ))
            )}
            <Field.Root name="reason" required error={showErrors && !reason.trim() ? t('form.required') : undefined} hint={t('panel.annul.reason.hint')}>
              <Field.Label>{t('panel.annul.reason')}</Field.Label>
              <Textarea value={reason} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setReason(e.target.value)} />
              <Field.Hint />
              <Field.Error />
            </Field.Root>
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Button variant="tertiary" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button variant="danger" onClick={annul} loading={busy} disabled={keys.length === 0}>
            {t('panel.annul.submit')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
