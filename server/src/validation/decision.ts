import { z } from '@strapi/utils';
import { CHANNELS, DECISIONS } from '../contracts';
import { purposeKeySchema } from './purpose';
import { localeSchema } from './text';

export const versionSchema = z
  .string()
  .regex(/^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$/, 'must be MAJOR.MINOR, e.g. "2.0"');
export const documentIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a document id');

export const decisionInputSchema = z
  .object({
    purpose: purposeKeySchema,
    decision: z.enum(DECISIONS),
    /** The text version the subject was shown; the current one when omitted. */
    version: versionSchema.optional(),
    /** The subject ticked the purpose's own box (needed for special categories). */
    explicit: z.boolean().optional(),
  })
  .strict();

/** Recording decisions from the admin panel (staff, in person) or another trusted caller. */
export const recordDecisionsSchema = z
  .object({
    decisions: z.array(decisionInputSchema).min(1).max(50),
    locale: localeSchema.optional(),
    channel: z.enum(CHANNELS).default('in_person'),
    source: z.string().trim().max(255).optional(),
    note: z.string().max(2000).optional(),
  })
  .strict();

/**
 * Recording from the admin panel: annulling a consent (decision "revoked") needs
 * the reason, in `note`; it is kept in the event as evidence.
 */
export const adminRecordDecisionsSchema = recordDecisionsSchema.superRefine((input, ctx) => {
  if (input.decisions.some((d) => d.decision === 'revoked') && !input.note?.trim()) {
    ctx.addIssue({
      code: 'custom',
      path: ['note'],
      message: 'annulling a consent (decision "revoked") needs the reason in "note"',
    });
  }
});

export type DecisionInput = z.output<typeof decisionInputSchema>;
export type RecordDecisionsInput = z.output<typeof recordDecisionsSchema>;

export const paginationSchema = z
  .object({
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(25),
  })
  .strict();

/** A subject's history, optionally only the events of one source (compared exactly). */
export const historyQuerySchema = paginationSchema.extend({
  source: z.string().trim().min(1).max(255).optional(),
});
