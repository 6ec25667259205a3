import { Checkbox, Flex, Typography } from '@strapi/design-system';
import { useState } from 'react';
import type { PurposeState } from '../api';
import { TextareaField } from '../components/Fields';
import { FormModal } from '../components/FormModal';
import { useRecordInPerson } from '../hooks/useRecordInPerson';
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
  const { busy, record } = useRecordInPerson(subject);
  const givenPurposes = purposes.filter((p) => p.decision?.decision === 'given');
  const [chosen, setChosen] = useState<Record<string, boolean>>(() =>
    Object.fromEntries(givenPurposes.map((p) => [p.purpose, true]))
  );
  const [reason, setReason] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const keys = givenPurposes.filter((p) => chosen[p.purpose]).map((p) => p.purpose);

  const annul = () => {
    setShowErrors(true);
    if (!reason.trim() || keys.length === 0) return;
    const decisions = keys.map((purpose) => ({ purpose, decision: 'revoked' as const }));
    record(
      { decisions, note: reason.trim() },
      { notify: () => t('panel.annul.done'), then: onDone }
    );
  };

  return (
    <FormModal
      title={t('panel.annul.title')}
      submitLabel={t('panel.annul.submit')}
      onSubmit={annul}
      onClose={onClose}
      busy={busy}
      disabled={keys.length === 0}
      variant="danger"
    >
      <Flex direction="column" alignItems="stretch" gap={4}>
        {givenPurposes.length === 0 ? (
          <Typography>{t('panel.annul.nothing')}</Typography>
        ) : (
          givenPurposes.map((p) => (
            <Checkbox
              key={p.purpose}
              checked={Boolean(chosen[p.purpose])}
              onCheckedChange={(c) => setChosen({ ...chosen, [p.purpose]: c === true })}
            >
              {p.name}
            </Checkbox>
          ))
        )}
        <TextareaField
          name="reason"
          label={t('panel.annul.reason')}
          hint={t('panel.annul.reason.hint')}
          required
          error={showErrors && !reason.trim() ? t('form.required') : undefined}
          value={reason}
          onChange={setReason}
        />
      </Flex>
    </FormModal>
  );
};
