import {
  Box,
  Button,
  Field,
  Flex,
  Grid,
  NumberInput,
  SingleSelect,
  SingleSelectOption,
  Tabs,
  TextInput,
  Textarea,
  Toggle,
  Typography,
} from '@strapi/design-system';
import { Check, Mail } from '@strapi/icons';
import { Layouts, Page } from '@strapi/strapi/admin';
import { useState } from 'react';
import {
  MESSAGE_KINDS,
  useGetConsentPurposesQuery,
  useGetConsentSettingsQuery,
  useSendConsentTestEmailMutation,
  useUpdateConsentSettingsMutation,
  type MessageKind,
  type MessageTemplate,
  type Settings,
} from '../../api';
import { ControllerSection } from './ControllerSection';
import { WebhookEventsSection } from './WebhookEventsSection';
import { useConsentConfig } from '../../hooks/useConsentConfig';
import { useSubmit } from '../../hooks/useSubmit';
import { useT, type TranslationKey } from '../../hooks/useT';
import { PERMISSIONS } from '../../pluginId';
import { ActivationWizard } from './ActivationWizard';

const Section = ({ title, children }: { title: string; children: React.ReactNode }) => (
  <Box background="neutral0" hasRadius shadow="tableShadow" padding={6} tag="section" aria-label={title}>
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Typography variant="delta" tag="h2">
        {title}
      </Typography>
      {children}
    </Flex>
  </Box>
);

const SettingsForm = ({ initial }: { initial: Settings }) => {
  const t = useT();
  const [updateSettings] = useUpdateConsentSettingsMutation();
  const [sendTestEmail] = useSendConsentTestEmailMutation();
  const { busy: saving, submit: submitSave } = useSubmit();
  const { busy: testing, submit: submitTest } = useSubmit();
  const [value, setValue] = useState<Settings>(initial);
  const locales = Object.keys(value.templates);
  const [testTo, setTestTo] = useState('');
  const [testLocale, setTestLocale] = useState(locales[0] ?? 'en');

  const setTemplate = (locale: string, kind: MessageKind, patch: Partial<MessageTemplate>) =>
    setValue((v) => ({
      ...v,
      templates: { ...v.templates, [locale]: { ...v.templates[locale], [kind]: { ...v.templates[locale][kind], ...patch } } },
    }));

  const save = () =>
    submitSave(
      () =>
        updateSettings({
          ...value,
          sender: { ...value.sender, from: value.sender.from?.trim() || null, replyTo: value.sender.replyTo?.trim() || null },
        }).unwrap(),
      { notify: () => t('settings.saved'), then: setValue }
    );

  const testMail = () =>
    submitTest(() => sendTestEmail({ to: testTo.trim(), locale: testLocale }).unwrap(), {
      notify: () => t('settings.test.sent', { to: testTo.trim() }),
    });

  return (
    <>
      <Layouts.Header
        title={t('settings.title')}
        subtitle={t('settings.subtitle')}
        primaryAction={
          <Button startIcon={<Check />} onClick={save} loading={saving}>
            {t('common.save')}
          </Button>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          <Section title={t('settings.requests')}>
            <Grid.Root gap={4}>
              <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
                <Field.Root name="requestTtlDays" hint={t('settings.ttl.hint')}>
                  <Field.Label>{t('settings.ttl')}</Field.Label>
                  <NumberInput value={value.requestTtlDays} onValueChange={(n) => setValue({ ...value, requestTtlDays: n ?? 1 })} />
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
                <Field.Root name="reminderDaysBeforeExpiry" hint={t('settings.reminder.hint')}>
                  <Field.Label>{t('settings.reminder')}</Field.Label>
                  <NumberInput
                    value={value.reminderDaysBeforeExpiry}
                    onValueChange={(n) => setValue({ ...value, reminderDaysBeforeExpiry: n ?? 0 })}
                  />
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={4} xs={12} direction="column" alignItems="stretch">
                <Field.Root name="channelEmail">
                  <Field.Label>{t('settings.channel.email')}</Field.Label>
                  <Toggle
                    onLabel={t('common.on')}
                    offLabel={t('common.off')}
                    checked={value.channels.email}
                    onChange={() => setValue({ ...value, channels: { ...value.channels, email: !value.channels.email } })}
                  />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={4} xs={12} direction="column" alignItems="stretch">
                <Field.Root name="channelSms" hint={t('settings.channel.sms.hint')}>
                  <Field.Label>{t('settings.channel.sms')}</Field.Label>
                  <Toggle
                    onLabel={t('common.on')}
                    offLabel={t('common.off')}
                    checked={value.channels.sms}
                    onChange={() => setValue({ ...value, channels: { ...value.channels, sms: !value.channels.sms } })}
                  />
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={4} xs={12} direction="column" alignItems="stretch">
                <Field.Root name="informationMail" hint={t('settings.informationMail.hint')}>
                  <Field.Label>{t('settings.informationMail')}</Field.Label>
                  <Toggle
                    onLabel={t('common.on')}
                    offLabel={t('common.off')}
                    checked={value.informationMail}
                    onChange={() => setValue({ ...value, informationMail: !value.informationMail })}
                  />
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
            </Grid.Root>
          </Section>

          <Section title={t('settings.sender')}>
            <Grid.Root gap={4}>
              <Grid.Item col={4} xs={12} direction="column" alignItems="stretch">
                <Field.Root name="organisation" required>
                  <Field.Label>{t('settings.sender.organisation')}</Field.Label>
                  <TextInput
                    value={value.sender.organisation}
                    onChange={(e: React.ChangeEvent<HTMLInputElement>) => setValue({ ...value, sender: { ...value.sender, organisation: e.target.value } })}
                  />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={4} xs={12} direction="column" alignItems="stretch">
                <Field.Root name="from" hint={t('settings.sender.from.hint')}>
                  <Field.Label>{t('settings.sender.from')}</Field.Label>
                  <TextInput
                    value={value.sender.from ?? ''}
                    onChange={(e: React.ChangeEvent<HTMLInputElement>) => setValue({ ...value, sender: { ...value.sender, from: e.target.value } })}
                  />
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={4} xs={12} direction="column" alignItems="stretch">
                <Field.Root name="replyTo">
                  <Field.Label>{t('settings.sender.replyTo')}</Field.Label>
                  <TextInput
                    value={value.sender.replyTo ?? ''}
                    onChange={(e: React.ChangeEvent<HTMLInputElement>) => setValue({ ...value, sender: { ...value.sender, replyTo: e.target.value } })}
                  />
                </Field.Root>
              </Grid.Item>
            </Grid.Root>
          </Section>

          {value.controller && (
            <Section title={t('settings.controller')}>
              <ControllerSection value={value.controller} onChange={(controller) => setValue({ ...value, controller })} />
            </Section>
          )}

          <Section title={t('settings.templates')}>
            <Typography variant="pi" textColor="neutral600">
              {t('settings.templates.hint')}
            </Typography>
            <Tabs.Root defaultValue={locales[0]}>
              <Tabs.List aria-label={t('settings.templates')}>
                {locales.map((locale) => (
                  <Tabs.Trigger key={locale} value={locale}>
                    {locale.toUpperCase()}
                  </Tabs.Trigger>
                ))}
              </Tabs.List>
              {locales.map((locale) => (
                <Tabs.Content key={locale} value={locale}>
                  <Flex direction="column" alignItems="stretch" gap={6} paddingTop={4}>
                    {MESSAGE_KINDS.map((kind) => {
                      const template = value.templates[locale][kind];
                      const label = t(`settings.template.${kind}` as TranslationKey);
                      return (
                        <Box key={kind} tag="fieldset" borderColor="neutral200" hasRadius padding={4}>
                          <Typography variant="sigma" tag="legend" textColor="neutral600">
                            {label} ({locale.toUpperCase()})
                          </Typography>
                          <Flex direction="column" alignItems="stretch" gap={3} paddingTop={2}>
                            <Field.Root name={`${locale}-${kind}-subject`}>
                              <Field.Label>{t('settings.template.subject')}</Field.Label>
                              <TextInput
                                value={template.subject}
                                onChange={(e: React.ChangeEvent<HTMLInputElement>) => setTemplate(locale, kind, { subject: e.target.value })}
                              />
                            </Field.Root>
                            <Field.Root name={`${locale}-${kind}-body`}>
                              <Field.Label>{t('settings.template.body')}</Field.Label>
                              <Textarea
                                value={template.body}
                                onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setTemplate(locale, kind, { body: e.target.value })}
                              />
                            </Field.Root>
                            <Field.Root name={`${locale}-${kind}-sms`} hint={t('settings.template.sms.hint')}>
                              <Field.Label>{t('settings.template.sms')}</Field.Label>
                              <Textarea
                                value={template.sms}
                                onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setTemplate(locale, kind, { sms: e.target.value })}
                              />
                              <Field.Hint />
                            </Field.Root>
                          </Flex>
                        </Box>
                      );
                    })}
                  </Flex>
                </Tabs.Content>
              ))}
            </Tabs.Root>
          </Section>

          <Section title={t('settings.test')}>
            <Flex gap={4} alignItems="flex-end">
              <Box width="32rem">
                <Field.Root name="testTo">
                  <Field.Label>{t('settings.test.to')}</Field.Label>
                  <TextInput type="email" value={testTo} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setTestTo(e.target.value)} />
                </Field.Root>
              </Box>
              <Box width="12rem">
                <Field.Root name="testLocale">
                  <Field.Label>{t('settings.test.locale')}</Field.Label>
                  <SingleSelect value={testLocale} onChange={(v: string | number) => setTestLocale(String(v))}>
                    {locales.map((l) => (
                      <SingleSelectOption key={l} value={l}>
                        {l.toUpperCase()}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                </Field.Root>
              </Box>
              <Button variant="secondary" startIcon={<Mail />} onClick={testMail} loading={testing} disabled={!testTo.includes('@')}>
                {t('settings.test.send')}
              </Button>
            </Flex>
          </Section>

          <Section title={t('settings.webhooks')}>
            <WebhookEventsSection />
          </Section>
        </Flex>
      </Layouts.Content>
    </>
  );
};

/** Settings > Consent: the activation wizard until a text is published, then the settings form. */
const SettingsPage = () => {
  const t = useT();
  const config = useConsentConfig();
  const settingsQuery = useGetConsentSettingsQuery();
  const purposesQuery = useGetConsentPurposesQuery();
  const settings = settingsQuery.data;
  const purposes = purposesQuery.data;

  if (settingsQuery.isError || purposesQuery.isError) return <Page.Error />;
  if (!settings || !purposes) return <Page.Loading />;

  const activated = purposes.some((p) => p.currentMajor !== null);
  const locales = config?.locales ?? Object.keys(settings.templates);
  const defaultLocale = config?.defaultLocale ?? locales[0] ?? 'en';

  return (
    <Layouts.Root>
      <Page.Title>{t('settings.title')}</Page.Title>
      {activated ? (
        <SettingsForm initial={settings} />
      ) : (
        <>
          <Layouts.Header title={t('settings.title')} subtitle={t('wizard.subtitle')} />
          <Layouts.Content>
            <ActivationWizard purposes={purposes} locales={locales} defaultLocale={defaultLocale} />
          </Layouts.Content>
        </>
      )}
    </Layouts.Root>
  );
};

const ProtectedSettingsPage = () => (
  <Page.Protect permissions={PERMISSIONS.settings}>
    <SettingsPage />
  </Page.Protect>
);

export default ProtectedSettingsPage;
