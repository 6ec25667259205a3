import { Button, Flex, Typography } from '@strapi/design-system';
import { useState } from 'react';
import {
  usePublishConsentVersionMutation,
  useUpdateConsentSettingsMutation,
  type Purpose,
} from '../../api';
import { BodiesEditor, useBodies } from '../../components/BodiesEditor';
import { Card } from '../../components/Card';
import { TextField } from '../../components/Fields';
import { emptyPurpose, PurposeFields, useNewPurpose } from '../../components/PurposeFields';
import { useSubmit } from '../../hooks/useSubmit';
import { useT } from '../../hooks/useT';

/**
 * Shown while no consent text is published: the module cannot be used before one exists.
 * First the organisation's name (while Settings have none: every message names it and requests
 * are refused without it), then the purpose (with its legal basis), then its first text,
 * published; the settings page then finds a published text by itself and shows its form.
 */
export const ActivationWizard = ({
  purposes,
  locales,
  defaultLocale,
  organisation,
}: {
  purposes: Purpose[];
  locales: string[];
  defaultLocale: string;
  /** The stored organisation name ('' until set). */
  organisation: string;
}) => {
  const t = useT();
  const [updateSettings] = useUpdateConsentSettingsMutation();
  const [publishVersion] = usePublishConsentVersionMutation();
  const { busy, submit } = useSubmit();
  const [purpose, setPurpose] = useState<Purpose | null>(purposes[0] ?? null);
  const newPurpose = useNewPurpose({
    ...emptyPurpose,
    key: 'storage',
    name: t('wizard.defaultPurposeName'),
  });
  const bodies = useBodies(locales, defaultLocale);
  const [showErrors, setShowErrors] = useState(false);
  // Asked only when Settings have no name yet; then three steps instead of two.
  const [askName] = useState(() => !organisation.trim());
  const [named, setNamed] = useState(Boolean(organisation.trim()));
  const [name, setName] = useState(organisation);
  const offset = askName ? 1 : 0;
  const total = 2 + offset;
  const stage: 'name' | 'purpose' | 'text' = !named ? 'name' : purpose ? 'text' : 'purpose';
  const step = (stage === 'name' ? 0 : stage === 'purpose' ? 1 : 2) + offset;

  const saveName = () => {
    setShowErrors(true);
    if (!name.trim()) return;
    submit(() => updateSettings({ sender: { organisation: name.trim() } }).unwrap(), {
      then: () => {
        setNamed(true);
        setShowErrors(false);
      },
    });
  };

  const createPurpose = newPurpose.create({ then: setPurpose });

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

  const stepName =
    stage === 'name'
      ? t('wizard.stepOrganisation')
      : stage === 'purpose'
        ? t('wizard.step1')
        : t('wizard.step2', { purpose: purpose?.name ?? '' });

  return (
    <Card title={t('wizard.title')}>
      <Typography textColor="neutral600">{t('wizard.intro')}</Typography>
      <Typography variant="sigma" textColor="primary600">
        {t('wizard.step', { step, total })} · {stepName}
      </Typography>
      {stage === 'name' ? (
        <TextField
          name="organisation"
          label={t('settings.sender.organisation')}
          hint={t('wizard.organisation.hint')}
          required
          error={showErrors && !name.trim() ? t('wizard.organisation.required') : undefined}
          value={name}
          onChange={setName}
        />
      ) : stage === 'purpose' ? (
        <PurposeFields {...newPurpose.fields} />
      ) : (
        <BodiesEditor {...bodies.editor} showErrors={showErrors} />
      )}
      <Flex justifyContent="flex-end">
        <Button
          onClick={
            stage === 'name' ? saveName : stage === 'purpose' ? createPurpose.onSubmit : publish
          }
          loading={busy || createPurpose.busy}
        >
          {stage === 'name'
            ? t('wizard.nextPurpose')
            : stage === 'purpose'
              ? t('wizard.next')
              : t('wizard.publish')}
        </Button>
      </Flex>
    </Card>
  );
};
