import { Checkbox, Flex } from '@strapi/design-system';
import { useState } from 'react';
import {
  LEGAL_BASES,
  useCreateConsentPurposeMutation,
  type LegalBasis,
  type Purpose,
} from '../api';
import { useFormAction } from '../hooks/useFormAction';
import type { SubmitOptions } from '../hooks/useSubmit';
import { useT, type TranslationKey } from '../hooks/useT';
import { SelectField, TextareaField, TextField } from './Fields';

export interface PurposeInput {
  key: string;
  name: string;
  description: string;
  legalBasis: LegalBasis;
  specialCategory: boolean;
  required: boolean;
  marketing: boolean;
  doubleOptIn: boolean;
}

export const emptyPurpose: PurposeInput = {
  key: '',
  name: '',
  description: '',
  legalBasis: 'consent',
  specialCategory: false,
  required: true,
  marketing: false,
  doubleOptIn: false,
};

export const KEY_PATTERN = /^[a-z][a-z0-9_-]{1,63}$/;

/** The fields of a new purpose: key, name, legal basis and its flags. */
export const PurposeFields = ({
  value,
  onChange,
  errors = {},
}: {
  value: PurposeInput;
  onChange: (next: PurposeInput) => void;
  errors?: Partial<Record<keyof PurposeInput, string>>;
}) => {
  const t = useT();
  const set = <K extends keyof PurposeInput>(key: K, v: PurposeInput[K]) =>
    onChange({ ...value, [key]: v });
  const labelled = (
    name: 'name' | 'key' | 'legalBasis' | 'description',
    hint?: TranslationKey
  ) => ({
    name,
    label: t(`purpose.field.${name}`),
    hint: hint && t(hint),
    error: errors[name],
  });
  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <TextField
        {...labelled('name')}
        required
        value={value.name}
        onChange={(v) => set('name', v)}
      />
      <TextField
        {...labelled('key', 'purpose.field.key.hint')}
        required
        value={value.key}
        onChange={(v) => set('key', v.toLowerCase())}
      />
      <SelectField
        {...labelled('legalBasis', 'purpose.field.legalBasis.hint')}
        required
        value={value.legalBasis}
        options={LEGAL_BASES.map((basis) => ({
          value: basis,
          label: t(`legalBasis.${basis}` as TranslationKey),
        }))}
        onChange={(v) => {
          const legalBasis = v as LegalBasis;
          onChange({
            ...value,
            legalBasis,
            required: legalBasis === 'consent' ? value.required : false,
          });
        }}
      />
      <TextareaField
        {...labelled('description')}
        value={value.description}
        onChange={(v) => set('description', v)}
      />
      <Checkbox
        checked={value.required}
        disabled={value.legalBasis !== 'consent'}
        onCheckedChange={(c) => set('required', c === true)}
      >
        {t('purpose.field.required')}
      </Checkbox>
      <Checkbox
        checked={value.specialCategory}
        onCheckedChange={(c) => set('specialCategory', c === true)}
      >
        {t('purpose.field.specialCategory')}
      </Checkbox>
      <Checkbox checked={value.marketing} onCheckedChange={(c) => set('marketing', c === true)}>
        {t('purpose.field.marketing')}
      </Checkbox>
      <Checkbox
        disabled={value.legalBasis !== 'consent'}
        checked={value.legalBasis === 'consent' && value.doubleOptIn}
        onCheckedChange={(c) => set('doubleOptIn', c === true)}
      >
        {t('purpose.field.doubleOptIn')}
      </Checkbox>
    </Flex>
  );
};

/** Client-side checks before POST /consent/purposes (the server checks again). */
const purposeErrors = (value: PurposeInput, t: ReturnType<typeof useT>) => {
  const errors: Partial<Record<keyof PurposeInput, string>> = {};
  if (!value.name.trim()) errors.name = t('form.required');
  if (!KEY_PATTERN.test(value.key)) errors.key = t('purpose.field.key.invalid');
  return errors;
};

const purposePayload = (value: PurposeInput) => ({
  key: value.key,
  name: value.name.trim(),
  description: value.description.trim() || null,
  legalBasis: value.legalBasis,
  specialCategory: value.specialCategory,
  required: value.legalBasis === 'consent' ? value.required : false,
  marketing: value.marketing,
  doubleOptIn: value.legalBasis === 'consent' ? value.doubleOptIn : false,
});

/**
 * A new purpose, written in PurposeFields (`fields`) and created with POST
 * /consent/purposes; its errors show once the admin has tried to create it.
 */
export const useNewPurpose = (initial: PurposeInput) => {
  const t = useT();
  const [createPurpose] = useCreateConsentPurposeMutation();
  const { showErrors, action } = useFormAction();
  const [value, setValue] = useState(initial);
  const errors = purposeErrors(value, t);

  /** FormModal's onSubmit and busy for creating the purpose (useFormAction). */
  const create = (options: SubmitOptions<Purpose>) =>
    action(
      Object.keys(errors).length === 0,
      () => createPurpose(purposePayload(value)).unwrap(),
      options
    );

  return { fields: { value, onChange: setValue, errors: showErrors ? errors : {} }, create };
};
