import { Button, Modal } from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useState } from 'react';
import { errorMessage, type Purpose } from '../api';
import { useT } from '../hooks/useT';
import { emptyPurpose, PurposeFields, purposeErrors, purposePayload, type PurposeInput } from './PurposeFields';

/** Create a purpose (POST /consent/purposes). */
export const NewPurposeModal = ({ onClose, onCreated }: { onClose: () => void; onCreated: (purpose: Purpose) => void }) => {
  const t = useT();
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [value, setValue] = useState<PurposeInput>(emptyPurpose);
  const [showErrors, setShowErrors] = useState(false);
  const [busy, setBusy] = useState(false);
  const errors = purposeErrors(value, t);

  const save = async () => {
    setShowErrors(true);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    try {
      const { data } = await post<{ data: Purpose }>('/consent/purposes', purposePayload(value));
      toggleNotification({ type: 'success', message: t('purpose.created', { name: data.data.name }) });
      onCreated(data.data);
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) ?? t('error.generic') });
      setBusy(false);
    }
  };

  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{t('purpose.new')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <PurposeFields value={value} onChange={setValue} errors={showErrors ? errors : {}} />
        </Modal.Body>
        <Modal.Footer>
          <Button variant="tertiary" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button onClick={save} loading={busy}>
            {t('purpose.create')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
