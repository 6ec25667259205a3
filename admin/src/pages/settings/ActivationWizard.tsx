import { Button, Flex, Typography } from '@strapi/design-system';
import { useState } from 'react';
import { usePublishConsentVersionMutation, type Purpose } from '../../api';
import { BodiesEditor, useBodies } from '../../components/BodiesEditor';
import { Card } from '../../components/Card';
import { emptyPurpose, PurposeFields, useNewPurpose } from '../../components/PurposeFields';
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
  const [publishVersion] = usePublishConsentVersionMutation();
  const { busy: publishing, submit } = useSubmit();
  const [purpose, setPurpose] = useState<Purpose | null>(purposes[0] ?? null);
  const newPurpose = useNewPurpose({
    ...emptyPurpose,
    key: 'storage',
    name: t('wizard.defaultPurposeName'),
  });
  const bodies = useBodies(locales, defaultLocale);
  const [showErrors, setShowErrors] = useState(false);
  const step = purpose ? 2 : 1;

  const createPurpose = () => newPurpose.create({ then: setPurpose });

  const publish = () => {
    if (!purpose) return;
    setShowErrors(true);
    if (!bodies.complete) return;
    submit(
      () =>
        publishVersion({
          key: purpose.key,
          body: { changeKind: 'substantive', bodies: bodies.filled() },
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
        <PurposeFields {...newPurpose.fields} />
      ) : (
        <BodiesEditor {...bodies.editor} showErrors={showErrors} />
      )}
      <Flex justifyContent="flex-end">
        <Button
          onClick={step === 1 ? createPurpose : publish}
          loading={newPurpose.busy || publishing}
        >
          {step === 1 ? t('wizard.next') : t('wizard.publish')}
        </Button>
      </Flex>
    </Card>
  );
};
