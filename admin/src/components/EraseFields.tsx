import { useState } from 'react';
import { useT } from '../hooks/useT';
import { TextareaField, TextField } from './Fields';

/** The word that confirms an erasure when there is no name or number to type. */
export const ERASE_WORD = 'ERASE';

/** What an erasure asks before it starts: a reason, and a word (or ERASE) typed out. */
export const useEraseConfirmation = (word: string, initialReason = '') => {
  const [reason, setReason] = useState(initialReason);
  const [typed, setTyped] = useState('');
  const confirmed = typed.trim() === word || typed.trim() === ERASE_WORD;
  return {
    word,
    reason,
    setReason,
    typed,
    setTyped,
    confirmed,
    ready: confirmed && Boolean(reason.trim()),
  };
};

/** The reason for an erasure (kept with it) and the typed confirmation; errors once showErrors is set. */
export const EraseFields = ({
  confirmation,
  reasonHint,
  showErrors = false,
}: {
  confirmation: ReturnType<typeof useEraseConfirmation>;
  reasonHint?: string;
  showErrors?: boolean;
}) => {
  const t = useT();
  const { word, reason, setReason, typed, setTyped, confirmed } = confirmation;
  return (
    <>
      <TextareaField
        name="reason"
        label={t('erase.reason')}
        hint={reasonHint}
        required
        error={showErrors && !reason.trim() ? t('form.required') : undefined}
        value={reason}
        onChange={setReason}
      />
      <TextField
        name="confirm"
        label={t('erase.confirm', { word })}
        hint={t('erase.confirm.hint', { word })}
        required
        error={showErrors && !confirmed ? t('erase.confirm.mismatch') : undefined}
        autoComplete="off"
        value={typed}
        onChange={setTyped}
      />
    </>
  );
};
