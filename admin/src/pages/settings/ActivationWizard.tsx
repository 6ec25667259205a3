import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useState } from 'react';
import { errorMessage, type Purpose } from '../../api';
import { BodiesEditor, filledBodies, type Bodies } from '../../components/BodiesEditor';
import { PurposeFields, purposeErrors, purposePayload, type PurposeInput } from '../../components/PurposeFields';
import { useT } from '../../hooks/useT';

/**
 * Shown while no consent text is published: the module cannot be used before one exists.
 * Step 1 creates the purpose (with its legal basis), step 2 writes and publishes its first text.
 */
export const ActivationWizard = ({
  purposes,
  locales,
  defaultLocale,
  onDone,
}: {
  purposes: Purpose[];
  locales: string[];
  defaultLocale: string;
  onDone: () => void;
}) => {
  const t = useT();
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [purpose, setPurpose] = useState<Purpose | null>(purposes[0] ?? null);
  const [input, setInput] = useState<PurposeInput>({
    key: 'storage',
    name: t('wizard.defaultPurposeName'),
    description: '',
    legalBasis: 'consent',
    specialCategory: false,
    required: true,
    marketing: false,
    doubleOptIn: false,
  });
  const [bodies, setBodies] = useState<Bodies>(() => Object.fromEntries(locales.map((l) => [l, { title: '', text: '' }])));
  const [showErrors, setShowErrors] = useState(false);
  const [busy, setBusy] = useState(false);
  const step = purpose ? 2 : 1;

  const createPurpose = async () => {
    setShowErrors(true);
    if (Object.keys(purposeErrors(input, t)).length > 0) return;
    setBusy(true);
    try {
      const { data } = await post<{ data: Purpose }>('/consent/purposes', purposePayload(input));
      setPurpose(data.data);
      setShowErrors(false);
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) ?? t('error.generic') });
    } finally {
      setBusy(false);
    }
  };

  const publish = async () => {
    if (!purpose) return;
    setShowErrors(true);
    const body = bodies[defaultLocale];
    if (!body?.title.trim() || !body?.text.trim()) return;
    setBusy(true);
    try {
      await post(`/consent/purposes/${purpose.key}/versions`, { changeKind: 'substantive', bodies: filledBodies(bodies) });
      toggleNotification({ type: 'success', message: t('wizard.activated') });
      onDone();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) ?? t('error.generic') });
      setBusy(false);
    }
  };

  return (
    <Box background="neutral0" hasRadius shadow="tableShadow" padding={6} tag="section" aria-label={t('wizard.title')}>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Typography variant="delta" tag="h2">
          {t('wizard.title')}
        </Typography>
        <Typography textColor="neutral600">{t('wizard.intro')}</Typography>
        <Typography variant="sigma" textColor="primary600">
          {t('wizard.step', { step, total: 2 })} · {step === 1 ? t('wizard.step1') : t('wizard.step2', { purpose: purpose?.name ?? '' })}
        </Typography>
        {step === 1 ? (
          <>
            <PurposeFields value={input} onChange={setInput} errors={showErrors ? purposeErrors(input, t) : {}} />
            <Flex justifyContent="flex-end">
              <Button onClick={createPurpose} loading={busy}>
                {t('wizard.next')}
              </Button>
            </Flex>
          </>
        ) : (
          <>
            <BodiesEditor locales={locales} defaultLocale={defaultLocale} value={bodies} onChange={setBodies} showErrors={showErrors} />
            <Flex justifyContent="flex-end">
              <Button onClick={publish} loading={busy}>
                {t('wizard.publish')}
              </Button>
            </Flex>
          </>
        )}
      </Flex>
    </Box>
  );
};
