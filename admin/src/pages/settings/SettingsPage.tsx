import { Box, Button, Flex, Grid, Typography } from '@strapi/design-system';
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
import { SourcesSection } from './SourcesSection';
import { WebhookEventsSection } from './WebhookEventsSection';
import { useConsentConfig } from '../../hooks/useConsentConfig';
import { useSubmit } from '../../hooks/useSubmit';
import { useT, type TranslationKey } from '../../hooks/useT';
import { PERMISSIONS } from '../../pluginId';
import { ActivationWizard } from './ActivationWizard';
import { Card } from '../../components/Card';
import {
  Fieldset,
  LocaleTabs,
  NumberField,
  SelectField,
  TextareaField,
  TextField,
  ToggleField,
} from '../../components/Fields';

const Cell = ({ col, children }: { col: number; children: React.ReactNode }) => (
  <Grid.Item col={col} xs={12} direction="column" alignItems="stretch">
    {children}
  </Grid.Item>
);

const TEMPLATE_PARTS = ['subject', 'body', 'sms'] as const;

const SettingsForm = ({ initial }: { initial: Settings }) => {
  const t = useT();
  const [updateSettings] = useUpdateConsentSettingsMutation();
  const [sendTestEmail] = useSendConsentTestEmailMutation();
  const { busy: saving, submit: submitSave } = useSubmit();
  const { busy: testing, submit: submitTest } = useSubmit();
  const [value, setValue] = useState<Settings>(initial);
  // Keys stored before this edit: events may hold them (updated on save).
  const [savedKeys, setSavedKeys] = useState<ReadonlySet<string>>(
    () => new Set(initial.sources.map((s) => s.key))
  );
  const locales = Object.keys(value.templates);
  const [testTo, setTestTo] = useState('');
  const [testLocale, setTestLocale] = useState(locales[0] ?? 'en');

  const setTemplate = (locale: string, kind: MessageKind, patch: Partial<MessageTemplate>) =>
    setValue((v) => ({
      ...v,
      templates: {
        ...v.templates,
        [locale]: { ...v.templates[locale], [kind]: { ...v.templates[locale][kind], ...patch } },
      },
    }));

  // An emptied number field falls back to the least the server accepts.
  const numbers = [
    { name: 'requestTtlDays', label: t('settings.ttl'), hint: t('settings.ttl.hint'), fallback: 1 },
    {
      name: 'reminderDaysBeforeExpiry',
      label: t('settings.reminder'),
      hint: t('settings.reminder.hint'),
      fallback: 0,
    },
  ] as const;
  const toggles = [
    {
      name: 'channelEmail',
      label: t('settings.channel.email'),
      checked: value.channels.email,
      onToggle: (v: Settings) => ({ ...v, channels: { ...v.channels, email: !v.channels.email } }),
    },
    {
      name: 'channelSms',
      label: t('settings.channel.sms'),
      hint: t('settings.channel.sms.hint'),
      checked: value.channels.sms,
      onToggle: (v: Settings) => ({ ...v, channels: { ...v.channels, sms: !v.channels.sms } }),
    },
    {
      name: 'informationMail',
      label: t('settings.informationMail'),
      hint: t('settings.informationMail.hint'),
      checked: value.informationMail,
      onToggle: (v: Settings) => ({ ...v, informationMail: !v.informationMail }),
    },
  ];
  const senderFields = [
    { name: 'organisation', label: t('settings.sender.organisation'), required: true },
    { name: 'from', label: t('settings.sender.from'), hint: t('settings.sender.from.hint') },
    { name: 'replyTo', label: t('settings.sender.replyTo') },
  ] as const;

  const save = () =>
    submitSave(
      () =>
        updateSettings({
          ...value,
          sender: {
            ...value.sender,
            from: value.sender.from?.trim() || null,
            replyTo: value.sender.replyTo?.trim() || null,
          },
        }).unwrap(),
      {
        notify: () => t('settings.saved'),
        then: (saved) => {
          setValue(saved);
          setSavedKeys(new Set(saved.sources.map((s) => s.key)));
        },
      }
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
          <Card title={t('settings.requests')}>
            <Grid.Root gap={4}>
              {numbers.map(({ fallback, ...field }) => (
                <Cell key={field.name} col={6}>
                  <NumberField
                    {...field}
                    value={value[field.name]}
                    onChange={(n) => setValue({ ...value, [field.name]: n ?? fallback })}
                  />
                </Cell>
              ))}
              {toggles.map(({ onToggle, ...toggle }) => (
                <Cell key={toggle.name} col={4}>
                  <ToggleField {...toggle} onToggle={() => setValue(onToggle)} />
                </Cell>
              ))}
            </Grid.Root>
          </Card>

          <Card title={t('settings.sender')}>
            <Grid.Root gap={4}>
              {senderFields.map((field) => (
                <Cell key={field.name} col={4}>
                  <TextField
                    {...field}
                    value={value.sender[field.name] ?? ''}
                    onChange={(text) =>
                      setValue({ ...value, sender: { ...value.sender, [field.name]: text } })
                    }
                  />
                </Cell>
              ))}
            </Grid.Root>
          </Card>

          <Card title={t('settings.sources')}>
            <SourcesSection
              value={value.sources}
              saved={savedKeys}
              locales={locales}
              onChange={(sources) => setValue({ ...value, sources })}
            />
          </Card>

          {value.controller && (
            <Card title={t('settings.controller')}>
              <ControllerSection
                value={value.controller}
                onChange={(controller) => setValue({ ...value, controller })}
              />
            </Card>
          )}

          <Card title={t('settings.templates')}>
            <Typography variant="pi" textColor="neutral600">
              {t('settings.templates.hint')}
            </Typography>
            <LocaleTabs locales={locales} defaultValue={locales[0]} label={t('settings.templates')}>
              {(locale) => (
                <Flex direction="column" alignItems="stretch" gap={6} paddingTop={4}>
                  {MESSAGE_KINDS.map((kind) => (
                    <Fieldset
                      key={kind}
                      legend={`${t(`settings.template.${kind}` as TranslationKey)} (${locale.toUpperCase()})`}
                    >
                      {TEMPLATE_PARTS.map((part) => {
                        const Input = part === 'subject' ? TextField : TextareaField;
                        return (
                          <Input
                            key={part}
                            name={`${locale}-${kind}-${part}`}
                            label={t(`settings.template.${part}`)}
                            hint={part === 'sms' ? t('settings.template.sms.hint') : undefined}
                            value={value.templates[locale][kind][part]}
                            onChange={(text) => setTemplate(locale, kind, { [part]: text })}
                          />
                        );
                      })}
                    </Fieldset>
                  ))}
                </Flex>
              )}
            </LocaleTabs>
          </Card>

          <Card title={t('settings.test')}>
            <Flex gap={4} alignItems="flex-end">
              <Box width="32rem">
                <TextField
                  name="testTo"
                  label={t('settings.test.to')}
                  type="email"
                  value={testTo}
                  onChange={setTestTo}
                />
              </Box>
              <Box width="12rem">
                <SelectField
                  name="testLocale"
                  label={t('settings.test.locale')}
                  value={testLocale}
                  options={locales.map((l) => ({ value: l, label: l.toUpperCase() }))}
                  onChange={setTestLocale}
                />
              </Box>
              <Button
                variant="secondary"
                startIcon={<Mail />}
                onClick={testMail}
                loading={testing}
                disabled={!testTo.includes('@')}
              >
                {t('settings.test.send')}
              </Button>
            </Flex>
          </Card>

          <Card title={t('settings.webhooks')}>
            <WebhookEventsSection />
          </Card>
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
            <ActivationWizard
              purposes={purposes}
              locales={locales}
              defaultLocale={defaultLocale}
              organisation={settings.sender.organisation}
            />
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
