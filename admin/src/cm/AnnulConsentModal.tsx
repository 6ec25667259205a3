import { Checkbox, Flex, Typography } from '@strapi/design-system';
import { useState } from 'react';
import type { PurposeState } from '../api';
import { TextareaField } from '../components/Fields';
import { FormModal } from '../components/FormModal';
import { useFormAction } from '../hooks/useFormAction';
import { useInPersonDecisions } from '../hooks/useRecordInPerson';
import { usePurposeName } from '../hooks/usePurposeName';
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
  const purposeName = usePurposeName();
  const recordInPerson = useInPersonDecisions(subject);
  const { showErrors, action } = useFormAction();
  const givenPurposes = purposes.filter((p) => p.decision?.decision === 'given');
  const [chosen, setChosen] = useState<Record<string, boolean>>(() =>
    Object.fromEntries(givenPurposes.map((p) => [p.purpose, true]))
  );
  const [reason, setReason] = useState('');
  const reasonMissing = !reason.trim();
  const keys = givenPurposes.filter((p) => chosen[p.purpose]).map((p) => p.purpose);
  const decisions = keys.map((purpose) => ({ purpose, decision: 'revoked' as const }));
  const annul = action(
    !reasonMissing && keys.length > 0,
    () => recordInPerson({ decisions, note: reason.trim() }),
    { notify: () => t('panel.annul.done'), then: onDone }
  );

  return (
    <FormModal
      {...annul}
      title={t('panel.annul.title')}
      submitLabel={t('panel.annul.submit')}
      onClose={onClose}
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
              {purposeName(p.purpose, p.name)}
            </Checkbox>
          ))
        )}
        <TextareaField
          name="reason"
          label={t('panel.annul.reason')}
          hint={t('panel.annul.reason.hint')}
          required
          error={showErrors && reasonMissing ? t('form.required') : undefined}
          value={reason}
          onChange={setReason}
        />
      </Flex>
    </FormModal>
  );
};
