import { z } from '@strapi/utils';
import { LEGAL_BASES, SPECIAL_CATEGORY_KINDS } from '../contracts';
import { localeSchema } from './text';

export const purposeKeySchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]{1,63}$/,
    'must be 2-64 characters: lowercase letters, digits, "-" or "_", starting with a letter'
  );

const purposeFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5000).nullable(),
  legalBasis: z.enum(LEGAL_BASES),
  specialCategory: z.boolean(),
  /** Which Art. 9(1) category (receipts name it); only with specialCategory. */
  specialCategoryKind: z.enum(SPECIAL_CATEGORY_KINDS).nullable(),
  /** Name and description per locale (`{ da: { name, description } }`); the locales are checked against the configured ones. */
  translations: z
    .record(
      localeSchema,
      z
        .object({
          name: z.string().trim().min(1).max(200).nullable().optional(),
          description: z.string().max(5000).nullable().optional(),
        })
        .strict()
    )
    .nullable(),
  /** Direct marketing: messages offer one-click unsubscribe (RFC 8058) for it. */
  marketing: z.boolean(),
  /**
   * Double opt-in: a consent given through an anonymous channel (a public booking page)
   * counts only once confirmed through a link sent to the address, even for a new client.
   */
  doubleOptIn: z.boolean(),
  required: z.boolean(),
  active: z.boolean(),
  position: z.number().int().min(0).max(100000),
};

/** Only consent-based purposes can be required: other legal bases need no consent (GDPR Art. 6). */
const requiredNeedsConsent = (value: { required?: boolean; legalBasis?: string }) =>
  !(value.required && value.legalBasis !== undefined && value.legalBasis !== 'consent');

/** A special category kind (Art. 9(1)) only on a special-category purpose. */
const kindNeedsSpecialCategory = (value: {
  specialCategory?: boolean;
  specialCategoryKind?: string | null;
}) => !(value.specialCategoryKind && value.specialCategory === false);

export const createPurposeSchema = z
  .object({
    key: purposeKeySchema,
    name: purposeFields.name,
    description: purposeFields.description.optional(),
    legalBasis: purposeFields.legalBasis,
    specialCategory: purposeFields.specialCategory.default(false),
    specialCategoryKind: purposeFields.specialCategoryKind.optional(),
    translations: purposeFields.translations.optional(),
    marketing: purposeFields.marketing.default(false),
    doubleOptIn: purposeFields.doubleOptIn.default(false),
    required: purposeFields.required.default(false),
    active: purposeFields.active.default(true),
    position: purposeFields.position.default(0),
  })
  .strict()
  .refine(requiredNeedsConsent, {
    message: 'only a purpose with legal basis "consent" can be required',
    path: ['required'],
  })
  .refine(kindNeedsSpecialCategory, {
    message: 'a special category kind needs specialCategory: true',
    path: ['specialCategoryKind'],
  });

export const updatePurposeSchema = z
  .object({
    name: purposeFields.name,
    description: purposeFields.description,
    legalBasis: purposeFields.legalBasis,
    specialCategory: purposeFields.specialCategory,
    specialCategoryKind: purposeFields.specialCategoryKind,
    translations: purposeFields.translations,
    marketing: purposeFields.marketing,
    doubleOptIn: purposeFields.doubleOptIn,
    required: purposeFields.required,
    active: purposeFields.active,
    position: purposeFields.position,
  })
  .partial()
  .strict();

export type CreatePurposeInput = z.output<typeof createPurposeSchema>;
export type UpdatePurposeInput = z.output<typeof updatePurposeSchema>;
