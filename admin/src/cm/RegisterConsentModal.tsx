import { Badge, Box, Checkbox, Flex, Typography } from '@strapi/design-system';
import { useState } from 'react';
import { useIntl } from 'react-intl';
import {
  DEFAULT_SOURCE_KEY,
  errorMessage,
  sourceLabel,
  useGetConsentSourcesQuery,
  useGetCurrentTextsQuery,
  type DecisionInput,
} from '../api';
import { SelectField } from '../components/Fields';
import { FormModal } from '../components/FormModal';
import { useConsentConfig } from '../hooks/useConsentConfig';
import { useRecordInPerson } from '../hooks/useRecordInPerson';
import { useT, type TranslationKey } from '../hooks/useT';

/** The plugin's locale for a client's language ("da", "DA", "da-DK" -> "da"), or null when it has none. */
export const localeFor = (
  language: string | null | undefined,
  locales: string[]
): string | null => {
  const value = language?.trim();
  if (!value) return null;
  const lower = value.toLowerCase();
  return (
    locales.find((l) => l === value) ??
    locales.find((l) => l.toLowerCase() === lower) ??
    locales.find((l) => l.toLowerCase() === lower.split(/[-_]/)[0]) ??
    null
  );
};

/**
 * Staff show the current text of every purpose to the client and tick what the client
 * consents to; recorded as in-person events with the admin as recorder. The texts are
 * shown in the client's language (one of the plugin's locales), else the default locale;
 * staff can switch, and the decisions are recorded with the locale shown.
 */
export const RegisterConsentModal = ({
  subject,
  language = null,
  onClose,
  onRecorded,
}: {
  subject: string;
  /** The client's configured language field, as stored. */
  language?: string | null;
  onClose: () => void;
  onRecorded: () => void;
}) => {
  const t = useT();
  const config = useConsentConfig();
  const { data: shown, error } = useGetCurrentTextsQuery();
  const { busy, record: recordInPerson } = useRecordInPerson(subject);
  const [locale, setLocale] = useState<string | null>(null);
  const [given, setGiven] = useState<Record<string, boolean>>({});
  const [explicit, setExplicit] = useState<Record<string, boolean>>({});
  const [refuseUnticked, setRefuseUnticked] = useState(false);
  const { locale: adminLocale } = useIntl();
  const { data: sources } = useGetConsentSourcesQuery();
  const [source, setSource] = useState<string | null>(null);
  // The desk unless the list no longer holds it; then the list's first.
  const currentSource =
    source ?? sources?.find((s) => s.key === DEFAULT_SOURCE_KEY)?.key ?? sources?.[0]?.key ?? null;

  const availableLocales = Array.from(
    new Set((shown ?? []).flatMap((s) => (s.version ? Object.keys(s.version.bodies) : [])))
  );
  const clientLocale = config ? localeFor(language, config.locales) : null;
  const defaultLocale = [clientLocale, config?.defaultLocale].find((l): l is string =>
    Boolean(l && availableLocales.includes(l))
  );
  const currentLocale =
    locale ?? defaultLocale ?? config?.defaultLocale ?? availableLocales[0] ?? 'en';
  const consentBased = (shown ?? []).filter((s) => s.purpose.legalBasis === 'consent');
  const missingExplicit = consentBased.some(
    (s) => s.purpose.specialCategory && given[s.purpose.key] && !explicit[s.purpose.key]
  );
  const anything = consentBased.some((s) => given[s.purpose.key]) || refuseUnticked;

  const record = () => {
    const decisions = consentBased
      .filter((s) => given[s.purpose.key] || refuseUnticked)
      .map(
        (s): DecisionInput => ({
          purpose: s.purpose.key,
          decision: given[s.purpose.key] ? 'given' : 'refused',
          ...(s.version ? { version: s.version.version } : {}),
          ...(given[s.purpose.key] && s.purpose.specialCategory ? { explicit: true } : {}),
        })
      );
    if (decisions.length === 0) return;
    recordInPerson(
      { decisions, locale: currentLocale, ...(currentSource ? { source: currentSource } : {}) },
      { notify: () => t('panel.register.done'), then: onRecorded }
    );
  };

  return (
    <FormModal
      title={t('panel.register.title')}
      submitLabel={t('panel.register.submit')}
      onSubmit={record}
      onClose={onClose}
      busy={busy}
      disabled={!shown || !anything || missingExplicit}
    >
      {error ? (
        <Typography textColor="danger600">{errorMessage(error) ?? t('error.generic')}</Typography>
      ) : !shown ? (
        <Typography>{t('common.loading')}</Typography>
      ) : (
        <Flex direction="column" alignItems="stretch" gap={5}>
          <Typography textColor="neutral600">{t('panel.register.intro')}</Typography>
          <Flex justifyContent="flex-end" alignItems="flex-end" gap={4}>
            {sources && sources.length > 0 && currentSource && (
              <Box width="16rem">
                <SelectField
                  name="source"
                  label={t('panel.register.source')}
                  value={currentSource}
                  options={sources.map((s) => ({
                    value: s.key,
                    label: sourceLabel(sources, s.key, adminLocale) ?? s.key,
                  }))}
                  onChange={setSource}
                />
              </Box>
            )}
            <Box width="16rem">
              <SelectField
                name="locale"
                label={t('panel.register.language')}
                value={currentLocale}
                options={availableLocales.map((l) => ({
                  value: l,
                  label:
                    l === clientLocale
                      ? t('panel.register.clientLanguage', { locale: l.toUpperCase() })
                      : l.toUpperCase(),
                }))}
                onChange={setLocale}
              />
            </Box>
          </Flex>
          {shown.map(({ purpose, version }) => {
            const body = version
              ? (version.bodies[currentLocale] ?? version.bodies[version.defaultLocale])
              : null;
            const isConsent = purpose.legalBasis === 'consent';
            return (
              <Box
                key={purpose.key}
                borderColor="neutral200"
                hasRadius
                padding={4}
                tag="article"
                aria-label={purpose.name}
              >
                <Flex gap={2} paddingBottom={2}>
                  <Typography variant="delta" tag="h3">
                    {body?.title ?? purpose.name}
                  </Typography>
                  <Badge>{t(`legalBasis.${purpose.legalBasis}` as TranslationKey)}</Badge>
                  {version && <Badge>{t('texts.version', { version: version.version })}</Badge>}
                </Flex>
                <Typography style={{ whiteSpace: 'pre-wrap' }}>{body?.text ?? ''}</Typography>
                <Flex direction="column" alignItems="flex-start" gap={2} paddingTop={3}>
                  {isConsent ? (
                    <>
                      <Checkbox
                        checked={Boolean(given[purpose.key])}
                        onCheckedChange={(c) => setGiven({ ...given, [purpose.key]: c === true })}
                      >
                        {t('panel.register.consents', { purpose: purpose.name })}
                      </Checkbox>
                      {purpose.specialCategory && (
                        <Checkbox
                          checked={Boolean(explicit[purpose.key])}
                          disabled={!given[purpose.key]}
                          onCheckedChange={(c) =>
                            setExplicit({ ...explicit, [purpose.key]: c === true })
                          }
                        >
                          {t('panel.register.explicit', { purpose: purpose.name })}
                        </Checkbox>
                      )}
                    </>
                  ) : (
                    <Typography variant="pi" textColor="neutral600">
                      {t('panel.register.informationOnly')}
                    </Typography>
                  )}
                </Flex>
              </Box>
            );
          })}
          <Checkbox checked={refuseUnticked} onCheckedChange={(c) => setRefuseUnticked(c === true)}>
            {t('panel.register.refuseUnticked')}
          </Checkbox>
          {missingExplicit && (
            <Typography textColor="danger600">{t('panel.register.explicitMissing')}</Typography>
          )}
        </Flex>
      )}
    </FormModal>
  );
};
