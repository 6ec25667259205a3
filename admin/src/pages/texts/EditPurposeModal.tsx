import { Flex, Typography } from '@strapi/design-system';
import { useState } from 'react';
import {
  SPECIAL_CATEGORY_KINDS,
  useUpdateConsentPurposeMutation,
  type Purpose,
  type PurposeTranslations,
  type SpecialCategoryKind,
} from '../../api';
import { FormModal } from '../../components/FormModal';
import { LocaleTabs, SelectField, TextareaField, TextField } from '../../components/Fields';
import { useSubmit } from '../../hooks/useSubmit';
import { useT, type TranslationKey } from '../../hooks/useT';

type Wording = { name: string; description: string };

/** The purpose's wording per locale: its own fields in the default locale, its translations in the others. */
const wordingOf = (purpose: Purpose, locales: string[], defaultLocale: string) =>
  Object.fromEntries(
    locales.map((locale) => {
      const own = locale === defaultLocale;
      const translation = purpose.translations?.[locale];
      return [
        locale,
        {
          name: (own ? purpose.name : translation?.name) ?? '',
          description: (own ? purpose.description : translation?.description) ?? '',
        },
      ];
    })
  ) as Record<string, Wording>;

/**
 * Edit a purpose's name and description in each configured language (staff read them in
 * their own admin language, and the texts API gives them to the booking page in the
 * page's), and, for a special-category purpose, which Art. 9(1) category it processes
 * (receipts name it). PUT /consent/purposes/:key.
 */
export const EditPurposeModal = ({
  purpose,
  locales,
  defaultLocale,
  onClose,
}: {
  purpose: Purpose;
  locales: string[];
  defaultLocale: string;
  onClose: () => void;
}) => {
  const t = useT();
  const [update] = useUpdateConsentPurposeMutation();
  const { busy, submit } = useSubmit();
  const ordered = [defaultLocale, ...locales.filter((l) => l !== defaultLocale)];
  const [wording, setWording] = useState(() => wordingOf(purpose, ordered, defaultLocale));
  const [kind, setKind] = useState<SpecialCategoryKind | ''>(purpose.specialCategoryKind ?? '');
  const [tried, setTried] = useState(false);
  const nameMissing = !wording[defaultLocale]?.name.trim();

  const set = (locale: string, field: keyof Wording, value: string) =>
    setWording((w) => ({ ...w, [locale]: { ...w[locale], [field]: value } }));

  const save = () => {
    setTried(true);
    if (nameMissing) return;
    const translations: PurposeTranslations = {};
    for (const locale of ordered.slice(1)) {
      const { name, description } = wording[locale];
      if (name.trim() || description.trim())
        translations[locale] = {
          name: name.trim() || null,
          description: description.trim() || null,
        };
    }
    const own = wording[defaultLocale];
    submit(
      () =>
        update({
          key: purpose.key,
          body: {
            name: own.name.trim(),
            description: own.description.trim() || null,
            translations,
            ...(purpose.specialCategory ? { specialCategoryKind: kind || null } : {}),
          },
        }).unwrap(),
      { notify: () => t('purpose.updated', { name: own.name.trim() }), then: onClose }
    );
  };

  return (
    <FormModal
      title={t('purpose.edit.title', { purpose: purpose.name })}
      submitLabel={t('common.save')}
      onSubmit={save}
      onClose={onClose}
      busy={busy}
    >
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Typography textColor="neutral600">{t('purpose.edit.intro')}</Typography>
        <LocaleTabs
          locales={ordered}
          defaultValue={defaultLocale}
          label={t('purpose.edit.languages')}
        >
          {(locale) => (
            <Flex direction="column" alignItems="stretch" gap={3} paddingTop={3}>
              <TextField
                name={`name-${locale}`}
                label={t('purpose.field.name')}
                required={locale === defaultLocale}
                hint={locale === defaultLocale ? undefined : t('purpose.edit.fallback')}
                error={
                  locale === defaultLocale && tried && nameMissing ? t('form.required') : undefined
                }
                value={wording[locale].name}
                onChange={(v) => set(locale, 'name', v)}
              />
              <TextareaField
                name={`description-${locale}`}
                label={t('purpose.field.description')}
                value={wording[locale].description}
                onChange={(v) => set(locale, 'description', v)}
              />
            </Flex>
          )}
        </LocaleTabs>
        {purpose.specialCategory && (
          <SelectField
            name="specialCategoryKind"
            label={t('purpose.field.specialCategoryKind')}
            hint={t('purpose.field.specialCategoryKind.hint')}
            value={kind || 'none'}
            options={[
              { value: 'none', label: t('purpose.field.specialCategoryKind.none') },
              ...SPECIAL_CATEGORY_KINDS.map((k) => ({
                value: k,
                label: t(`specialCategory.${k}` as TranslationKey),
              })),
            ]}
            onChange={(v) => setKind(v === 'none' ? '' : (v as SpecialCategoryKind))}
          />
        )}
      </Flex>
    </FormModal>
  );
};
