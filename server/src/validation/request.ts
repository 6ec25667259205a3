import { z } from '@strapi/utils';
import { CLIENT_STATES, REQUEST_STATUSES } from '../contracts';
import { searchSchema } from './clients';
import { documentIdSchema } from './decision';
import { purposeKeySchema } from './purpose';

/** POST /consent/subjects/:subject/requests */
export const createRequestSchema = z
  .object({ purposes: z.array(purposeKeySchema).min(1).max(50).optional() })
  .strict();

/** GET /consent/requests */
export const listRequestsSchema = z
  .object({
    subject: documentIdSchema.optional(),
    campaign: documentIdSchema.optional(),
    status: z.enum(REQUEST_STATUSES).optional(),
    before: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/** GET /consent/subjects/:subject/requests: the client's requests, newest first. */
export const clientRequestsSchema = z
  .object({
    before: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(50).default(50),
  })
  .strict();

/** POST /consent/campaigns */
export const createCampaignSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    audience: z.union([
      z.object({ consent: z.literal('invalid') }).strict(),
      z.object({ subjects: z.array(documentIdSchema).min(1).max(10_000) }).strict(),
      z.object({ state: z.enum(CLIENT_STATES), q: searchSchema.optional() }).strict(),
    ]),
    purposes: z.array(purposeKeySchema).min(1).max(50).optional(),
    askAgainRefused: z.boolean().optional(),
    reminder: z.boolean().optional(),
  })
  .strict();

/** POST /consent/settings/test-email */
export const testEmailSchema = z
  .object({ to: z.email().max(255), locale: z.string().max(16).optional() })
  .strict();
