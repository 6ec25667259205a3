import { Flex } from '@strapi/design-system';
import { useState } from 'react';
import type { TextBody } from '../api';
import { useT } from '../hooks/useT';
import { Fieldset, TextareaField, TextField } from './Fields';

export type Bodies = Record<string, { title: string; text: string }>;

const PARTS = ['title', 'text'] as const;

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
    onChange({
      ...value,
      [locale]: { title: value[locale]?.title ?? '', text: value[locale]?.text ?? '', ...patch },
    });
  return (
    <Flex direction="column" alignItems="stretch" gap={6}>
      {locales.map((locale) => {
        const body = value[locale] ?? { title: '', text: '' };
        const required = locale === defaultLocale;
        const language = t('locale.name', { locale: locale.toUpperCase() });
        return (
          <Fieldset
            key={locale}
            legend={`${language}${required ? ` · ${t('bodies.defaultLocale')}` : ''}`}
          >
            {PARTS.map((part) => {
              const Input = part === 'title' ? TextField : TextareaField;
              return (
                <Input
                  key={part}
                  name={`${part}-${locale}`}
                  label={t(`bodies.${part}`, { locale: locale.toUpperCase() })}
                  required={required}
                  error={
                    showErrors && required && !body[part].trim() ? t('form.required') : undefined
                  }
                  value={body[part]}
                  onChange={(v) => set(locale, { [part]: v })}
                />
              );
            })}
          </Fieldset>
        );
      })}
    </Flex>
  );
};

/** Bodies with both a title and a text; locales left empty are not sent. */
const filledBodies = (bodies: Bodies): Bodies =>
  Object.fromEntries(
    Object.entries(bodies)
      .filter(([, b]) => b.title.trim() && b.text.trim())
      .map(([locale, b]) => [locale, { title: b.title.trim(), text: b.text.trim() }])
  );

/**
 * The bodies being written, one a locale, starting from `current` (else empty): `editor`
 * goes to BodiesEditor; `complete` when the default locale has a title and a text.
 */
export const useBodies = (
  locales: string[],
  defaultLocale: string,
  current?: Record<string, TextBody>
) => {
  const [value, setValue] = useState<Bodies>(() =>
    Object.fromEntries(
      locales.map((l) => [l, { title: current?.[l]?.title ?? '', text: current?.[l]?.text ?? '' }])
    )
  );
  const required = value[defaultLocale];
  return {
    editor: { locales, defaultLocale, value, onChange: setValue },
    complete: Boolean(required?.title.trim() && required?.text.trim()),
    /** What is sent: the locales with both a title and a text. */
    filled: () => filledBodies(value),
  };
};
