import { Field, Flex, TextInput, Textarea, Typography, Box } from '@strapi/design-system';
import type { TextBody } from '../api';
import { useT } from '../hooks/useT';

export type Bodies = Record<string, { title: string; text: string }>;

/** One title and one text per configured locale; the default locale is required. */
export const BodiesEditor = ({
  locales,
  defaultLocale,
  value,
  onChange,
  showErrors,
}: {
  locales: string[];
  defaultLocale: string;
  value: Bodies;
  onChange: (next: Bodies) => void;
  showErrors?: boolean;
}) => {
  const t = useT();
  const set = (locale: string, patch: Partial<TextBody>) =>
    onChange({ ...value, [locale]: { title: value[locale]?.title ?? '', text: value[locale]?.text ?? '', ...patch } });
  return (
    <Flex direction="column" alignItems="stretch" gap={6}>
      {locales.map((locale) => {
        const body = value[locale] ?? { title: '', text: '' };
        const required = locale === defaultLocale;
        const language = t('locale.name', { locale: locale.toUpperCase() });
        return (
          <Box key={locale} tag="fieldset" borderColor="neutral200" hasRadius padding={4}>
            <Typography variant="sigma" tag="legend" textColor="neutral600">
              {language}
              {required ? ` · ${t('bodies.defaultLocale')}` : ''}
            </Typography>
            <Flex direction="column" alignItems="stretch" gap={3} paddingTop={2}>
              <Field.Root name={`title-${locale}`} required={required} error={showErrors && required && !body.title.trim() ? t('form.required') : undefined}>
                <Field.Label>{t('bodies.title', { locale: locale.toUpperCase() })}</Field.Label>
                <TextInput value={body.title} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set(locale, { title: e.target.value })} />
                <Field.Error />
              </Field.Root>
              <Field.Root name={`text-${locale}`} required={required} error={showErrors && required && !body.text.trim() ? t('form.required') : undefined}>
                <Field.Label>{t('bodies.text', { locale: locale.toUpperCase() })}</Field.Label>
                <Textarea value={body.text} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => set(locale, { text: e.target.value })} />
                <Field.Error />
              </Field.Root>
            </Flex>
          </Box>
        );
      })}
    </Flex>
  );
};

/** Bodies with both a title and a text; locales left empty are not sent. */
export const filledBodies = (bodies: Bodies): Bodies =>
  Object.fromEntries(
    Object.entries(bodies)
      .filter(([, b]) => b.title.trim() && b.text.trim())
      .map(([locale, b]) => [locale, { title: b.title.trim(), text: b.text.trim() }])
  );
