import { z } from '@strapi/utils';
import { DECISIONS, PURPOSE_STATUSES } from '../domain/state-machine';
import { LEGAL_BASES } from '../constants';
import { decisionInputSchema } from '../validation/decision';
import { localeSchema } from '../validation/text';

/**
 * Request and response schemas of the content-API routes: Strapi validates requests
 * with them and `strapi openapi generate` documents them for front-end developers.
 */
export const currentTextSchema = z
  .object({
    purpose: z.string().describe('Purpose key, e.g. "storage"'),
    name: z.string(),
    description: z.string().nullable(),
    legalBasis: z.enum(LEGAL_BASES).describe('GDPR Art. 6 legal basis'),
    requiresConsent: z
      .boolean()
      .describe(
        'false for contract, legal obligation, legitimate interests…: show for information only'
      ),
    required: z.boolean().describe('Consent to it decides whether the client has valid consent'),
    explicit: z.boolean().describe('Special category (Art. 9): needs its own explicit tick'),
    specialCategory: z.boolean(),
    marketing: z
      .boolean()
      .describe('Direct marketing: messages about it carry a one-click unsubscribe link'),
    textId: z.string(),
    version: z
      .string()
      .describe('MAJOR.MINOR of the text shown; send it back in data.consent.versions'),
    locale: z
      .string()
      .describe('Locale of the body returned (the default locale when the asked one has none)'),
    title: z.string(),
    text: z.string(),
    sha256: z.string().describe('SHA-256 of the body shown; recorded in the proof'),
    releasedAt: z.string(),
  })
  .describe('ConsentText');

export const textsRoute = {
  request: {
    query: {
      locale: localeSchema.optional().describe('e.g. "da"; falls back to the default locale'),
    },
  },
  response: z.object({ data: z.array(currentTextSchema) }),
};

const purposeStatusSchema = z.object({
  purpose: z.string(),
  name: z.string(),
  legalBasis: z.enum(LEGAL_BASES),
  requiresConsent: z.boolean(),
  required: z.boolean(),
  explicit: z.boolean(),
  status: z.enum(PURPOSE_STATUSES),
  currentVersion: z.string().nullable(),
  decision: z
    .object({
      decision: z.enum(DECISIONS),
      version: z.string().nullable(),
      textHash: z.string().nullable(),
      locale: z.string().nullable(),
      explicit: z.boolean(),
      channel: z.string().nullable(),
      decidedAt: z.string(),
    })
    .nullable(),
});

const myConsentSchema = z.object({
  valid: z.boolean().describe('Consent to the current version of every required purpose'),
  status: z.string(),
  lastDecisionAt: z.string().nullable(),
  purposes: z.array(purposeStatusSchema),
});

export const meRoute = {
  request: {
    query: {
      page: z.coerce.number().int().min(1).optional(),
      pageSize: z.coerce.number().int().min(1).max(100).optional(),
    },
  },
  response: z.object({
    data: myConsentSchema.extend({
      history: z.array(
        z.object({
          purpose: z.string(),
          decision: z.enum(DECISIONS),
          version: z.string().nullable(),
          locale: z.string().nullable(),
          channel: z.string(),
          occurredAt: z.string(),
          recordedBy: z
            .string()
            .describe('"you", or "admin" / "system" when staff or a job recorded it'),
        })
      ),
    }),
    meta: z.object({
      pagination: z.object({
        page: z.number(),
        pageSize: z.number(),
        total: z.number(),
        pageCount: z.number(),
      }),
    }),
  }),
};

export const meDecisionsBodySchema = z
  .object({
    decisions: z
      .array(decisionInputSchema.extend({ decision: z.enum(['given', 'refused', 'withdrawn']) }))
      .min(1)
      .max(50),
    locale: localeSchema.optional(),
  })
  .strict();

export const meDecisionsRoute = {
  request: { body: { 'application/json': meDecisionsBodySchema } },
  response: z.object({ data: myConsentSchema }),
};
