import { Button, Flex, Typography } from '@strapi/design-system';
import { useState } from 'react';
import {
  useCreateConsentPurposeMutation,
  usePublishConsentVersionMutation,
  type Purpose,
} from '../../api';
import { Card } from '../../components/Card';
import { BodiesEditor, filledBodies, type Bodies } from '../../components/BodiesEditor';
import {
  emptyPurpose,
  PurposeFields,
  purposeErrors,
  purposePayload,
  type PurposeInput,
} from '../../components/PurposeFields';
import { useSubmit } from '../../hooks/useSubmit';
import { useT } from '../../hooks/useT';

/**
 * Shown while no consent text is published: the module cannot be used before one exists.
 * Step 1 creates the purpose (with its legal basis), step 2 writes and publishes its first
 * text; the settings page then finds a published text by itself and shows its form.
 */
export const ActivationWizard = ({
  purposes,
  locales,
  defaultLocale,
}: {
  purposes: Purpose[];
  locales: string[];
  defaultLocale: string;
}) => {
  const t = useT();
  const [create] = useCreateConsentPurposeMutation();
  const [publishVersion] = usePublishConsentVersionMutation();
  const { busy, submit } = useSubmit();
  const [purpose, setPurpose] = useState<Purpose | null>(purposes[0] ?? null);
  const [input, setInput] = useState<PurposeInput>({
    ...emptyPurpose,
    key: 'storage',
    name: t('wizard.defaultPurposeName'),
  });
  const [bodies, setBodies] = useState<Bodies>(() =>
    Object.fromEntries(locales.map((l) => [l, { title: '', text: '' }]))
  );
  const [showErrors, setShowErrors] = useState(false);
  const step = purpose ? 2 : 1;

  const createPurpose = () => {
    setShowErrors(true);
    if (Object.keys(purposeErrors(input, t)).length > 0) return;
    submit(() => create(purposePayload(input)).unwrap(), {
      then: (created) => {
        setPurpose(created);
        setShowErrors(false);
      },
    });
  };

  const publish = () => {
    if (!purpose) return;
    setShowErrors(true);
    const body = bodies[defaultLocale];
    if (!body?.title.trim() || !body?.text.trim()) return;
    submit(
      () =>
        publishVersion({
          key: purpose.key,
          body: { changeKind: 'substantive', bodies: filledBodies(bodies) },
        }).unwrap(),
      {
        notify: () => t('wizard.activated'),
      }
    );
  };

  return (
    <Card title={t('wizard.title')}>
      <Typography textColor="neutral600">{t('wizard.intro')}</Typography>
      <Typography variant="sigma" textColor="primary600">
        {t('wizard.step', { step, total: 2 })} ·{' '}
        {step === 1 ? t('wizard.step1') : t('wizard.step2', { purpose: purpose?.name ?? '' })}
      </Typography>
      {step === 1 ? (
        <PurposeFields
          value={input}
          onChange={setInput}
          errors={showErrors ? purposeErrors(input, t) : {}}
        />
      ) : (
        <BodiesEditor
          locales={locales}
          defaultLocale={defaultLocale}
          value={bodies}
          onChange={setBodies}
          showErrors={showErrors}
        />
      )}
      <Flex justifyContent="flex-end">
        <Button onClick={step === 1 ? createPurpose : publish} loading={busy}>
          {step === 1 ? t('wizard.next') : t('wizard.publish')}
        </Button>
      </Flex>
    </Card>
  );
};
