import { z } from '@strapi/utils';

/** POST /consent/subjects/:subject/erase */
export const eraseSchema = z
  .object({
    /** Why: kept in the erasure record, e.g. "Art. 17 request of 2026-11-20". */
    reason: z
      .string()
      .trim()
      .min(3, 'say why the client is erased, e.g. "Art. 17 request of 2026-11-20"')
      .max(2000),
    dryRun: z.boolean().default(false),
  })
  .strict();

export const erasureListSchema = z
  .object({
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(25),
  })
  .strict();

const months = z.number().int().min(1).max(1200);

/** POST /consent/retention/preview (the configured retention.inactiveMonths when omitted). */
export const retentionPreviewSchema = z
  .object({
    inactiveMonths: months.optional(),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict();

/** GET /consent/retention/preview?cursor=...: the next page of a preview. */
export const retentionPageSchema = z
  .object({
    cursor: z.string().min(1).max(500),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

/** POST /consent/retention/runs: the admin confirms the total they previewed. */
export const retentionRunSchema = z
  .object({
    inactiveMonths: months.optional(),
    expectedTotal: z.number().int().min(0),
    reason: z
      .string()
      .trim()
      .min(3, 'say why, e.g. "retention policy: 36 months without a booking"')
      .max(2000),
  })
  .strict();
