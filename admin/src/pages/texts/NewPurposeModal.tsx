import type { Purpose } from '../../api';
import { FormModal } from '../../components/FormModal';
import { emptyPurpose, PurposeFields, useNewPurpose } from '../../components/PurposeFields';
import { useT } from '../../hooks/useT';

/** Create a purpose (POST /consent/purposes). */
export const NewPurposeModal = ({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (purpose: Purpose) => void;
}) => {
  const t = useT();
  const { fields, create } = useNewPurpose(emptyPurpose);
  const save = create({
    notify: (purpose) => t('purpose.created', { name: purpose.name }),
    then: onCreated,
  });

  return (
    <FormModal
      {...save}
      title={t('purpose.new')}
      submitLabel={t('purpose.create')}
      onClose={onClose}
    >
      <PurposeFields {...fields} />
    </FormModal>
  );
};
