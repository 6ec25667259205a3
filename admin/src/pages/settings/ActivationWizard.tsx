import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { useState } from 'react';
import {
  useCreateConsentPurposeMutation,
  usePublishConsentVersionMutation,
  useUpdateConsentSettingsMutation,
  type Purpose,
} from '../../api';
import { BodiesEditor, filledBodies, type Bodies } from '../../components/BodiesEditor';
import { TextField } from '../../components/Fields';
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
    <Box
      background="neutral0"
      hasRadius
      shadow="tableShadow"
      padding={6}
      tag="section"
      aria-label={t('wizard.title')}
    >
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Typography variant="delta" tag="h2">
          {t('wizard.title')}
        </Typography>
        <Typography textColor="neutral600">{t('wizard.intro')}</Typography>
        <Typography variant="sigma" textColor="primary600">
          {t('wizard.step', { step, total })} ·{' '}
          {stage === 'name'
            ? t('wizard.stepOrganisation')
            : stage === 'purpose'
              ? t('wizard.step1')
              : t('wizard.step2', { purpose: purpose?.name ?? '' })}
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
          <Button
            onClick={stage === 'name' ? saveName : stage === 'purpose' ? createPurpose : publish}
            loading={busy}
          >
            {stage === 'name'
              ? t('wizard.nextPurpose')
              : stage === 'purpose'
                ? t('wizard.next')
                : t('wizard.publish')}
          </Button>
        </Flex>
      </Flex>
    </Box>
  );
};
