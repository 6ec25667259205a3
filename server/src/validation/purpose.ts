import { z } from '@strapi/utils';
import { LEGAL_BASES } from '../contracts';

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

export const createPurposeSchema = z
  .object({
    key: purposeKeySchema,
    name: purposeFields.name,
    description: purposeFields.description.optional(),
    legalBasis: purposeFields.legalBasis,
    specialCategory: purposeFields.specialCategory.default(false),
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
  });

export const updatePurposeSchema = z
  .object({
    name: purposeFields.name,
    description: purposeFields.description,
    legalBasis: purposeFields.legalBasis,
    specialCategory: purposeFields.specialCategory,
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
