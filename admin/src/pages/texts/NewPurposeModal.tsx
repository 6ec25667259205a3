import { useState } from 'react';
import { useCreateConsentPurposeMutation, type Purpose } from '../../api';
import { useSubmit } from '../../hooks/useSubmit';
import { useT } from '../../hooks/useT';
import { FormModal } from '../../components/FormModal';
import {
  emptyPurpose,
  PurposeFields,
  purposeErrors,
  purposePayload,
  type PurposeInput,
} from '../../components/PurposeFields';

/** Create a purpose (POST /consent/purposes). */
export const NewPurposeModal = ({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (purpose: Purpose) => void;
}) => {
  const t = useT();
  const [createPurpose] = useCreateConsentPurposeMutation();
  const { busy, submit } = useSubmit();
  const [value, setValue] = useState<PurposeInput>(emptyPurpose);
  const [showErrors, setShowErrors] = useState(false);
  const errors = purposeErrors(value, t);

  const save = () => {
    setShowErrors(true);
    if (Object.keys(errors).length > 0) return;
    submit(() => createPurpose(purposePayload(value)).unwrap(), {
      notify: (purpose) => t('purpose.created', { name: purpose.name }),
      then: onCreated,
    });
  };

  return (
    <FormModal
      title={t('purpose.new')}
      submitLabel={t('purpose.create')}
      onSubmit={save}
      onClose={onClose}
      busy={busy}
    >
      <PurposeFields value={value} onChange={setValue} errors={showErrors ? errors : {}} />
    </FormModal>
  );
};
