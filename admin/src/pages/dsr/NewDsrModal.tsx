import { Flex } from '@strapi/design-system';
import { useState } from 'react';
import { useCreateDsrRequestMutation, type DsrChannel, type DsrKind } from '../../api';
import { SelectField, TextareaField, TextField } from '../../components/Fields';
import { FormModal } from '../../components/FormModal';
import { useSubmit } from '../../hooks/useSubmit';
import { useT, type TranslationKey } from '../../hooks/useT';

/** Register a request received by email, phone or at the desk. */
export const NewDsrModal = ({
  kinds,
  channels,
  onClose,
  onCreated,
}: {
  kinds: readonly DsrKind[];
  channels: readonly DsrChannel[];
  onClose: () => void;
  onCreated: (documentId: string) => void;
}) => {
  const t = useT();
  const [create] = useCreateDsrRequestMutation();
  const { submit, busy } = useSubmit();
  const [kind, setKind] = useState<DsrKind>('access');
  const [channel, setChannel] = useState<DsrChannel>('email');
  const [client, setClient] = useState('');
  const [contact, setContact] = useState('');
  const [details, setDetails] = useState('');

  const save = () =>
    submit(
      () =>
        create({
          kind,
          channel,
          client: client.trim() || null,
          contact: contact.trim() || null,
          details: details.trim() || null,
        }).unwrap(),
      { notify: () => t('dsr.created'), then: (created) => onCreated(created.documentId) }
    );

  return (
    <FormModal
      title={t('dsr.new')}
      submitLabel={t('dsr.register')}
      onSubmit={save}
      onClose={onClose}
      busy={busy}
    >
      <Flex direction="column" alignItems="stretch" gap={4}>
        <SelectField
          name="kind"
          label={t('dsr.col.kind')}
          value={kind}
          options={kinds.map((k) => ({ value: k, label: t(`dsrKind.${k}` as TranslationKey) }))}
          onChange={(v) => setKind(v as DsrKind)}
        />
        <SelectField
          name="channel"
          label={t('dsr.channel')}
          value={channel}
          options={channels.map((c) => ({
            value: c,
            label: t(`dsrChannel.${c}` as TranslationKey),
          }))}
          onChange={(v) => setChannel(v as DsrChannel)}
        />
        <TextField
          name="client"
          label={t('dsr.client')}
          hint={t('dsr.clientHint')}
          value={client}
          onChange={setClient}
        />
        <TextField name="contact" label={t('dsr.contact')} value={contact} onChange={setContact} />
        <TextareaField
          name="details"
          label={t('dsr.details')}
          value={details}
          onChange={setDetails}
        />
      </Flex>
    </FormModal>
  );
};
