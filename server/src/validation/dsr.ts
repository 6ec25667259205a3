import { z } from '@strapi/utils';
import {
  DSR_ACTION_TYPES,
  DSR_CHANNELS,
  DSR_KINDS,
  DSR_MAX_EXTENSION_MONTHS,
  DSR_STATUSES,
} from '../contracts';
import { documentIdSchema } from './decision';

const text = (max: number) => z.string().trim().min(1).max(max);
/** A reason the register keeps: something a supervisory authority can read. */
const reason = z
  .string()
  .trim()
  .min(3, 'say why, e.g. "the request is complex: records in three systems"')
  .max(2000);

/** POST /consent/dsr */
export const createDsrSchema = z
  .object({
    kind: z.enum(DSR_KINDS),
    channel: z.enum(DSR_CHANNELS),
    client: documentIdSchema.nullish(),
    contact: text(254).nullish(),
    receivedAt: z.iso.datetime({ offset: true }).optional(),
    details: text(5000).nullish(),
  })
  .strict();

/** GET /consent/dsr */
export const listDsrSchema = z
  .object({
    status: z.enum(DSR_STATUSES).optional(),
    kind: z.enum(DSR_KINDS).optional(),
    client: documentIdSchema.optional(),
    due: z.enum(['overdue', 'due_soon']).optional(),
    before: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/** POST /consent/dsr/:id/transition */
export const transitionDsrSchema = z
  .object({
    to: z.enum(DSR_STATUSES),
    verificationMethod: text(255).optional(),
    client: documentIdSchema.optional(),
    reason: reason.optional(),
    note: text(2000).optional(),
  })
  .strict()
  .superRefine((input, issues) => {
    if (input.to === 'verified' && !input.verificationMethod)
      issues.addIssue({
        code: 'custom',
        path: ['verificationMethod'],
        message: 'say how the identity was verified, e.g. "photo ID at the desk"',
      });
    if (input.to === 'refused' && !input.reason)
      issues.addIssue({
        code: 'custom',
        path: ['reason'],
        message: 'a refusal needs a reason (Art. 12(4)), e.g. "manifestly unfounded"',
      });
  });

/** POST /consent/dsr/:id/extend */
export const extendDsrSchema = z
  .object({
    months: z.number().int().min(1).max(DSR_MAX_EXTENSION_MONTHS),
    reason,
  })
  .strict();

/** POST /consent/dsr/:id/actions */
export const linkDsrActionSchema = z
  .object({
    type: z.enum(DSR_ACTION_TYPES),
    reference: documentIdSchema,
    note: text(2000).optional(),
  })
  .strict();

/** GET /consent/dsr/export */
export const exportDsrSchema = z
  .object({ format: z.enum(['csv', 'xlsx']).default('csv') })
  .strict();
