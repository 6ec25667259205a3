import { z } from '@strapi/utils';
import { RECEIPT_FORMATS } from '../contracts';

/** GET /consent/subjects/:subject/receipt and /consent/events/:id/receipt */
export const receiptQuerySchema = z
  .object({ format: z.enum(RECEIPT_FORMATS).default('kantara') })
  .strict();

/** An event by numeric id or document id. */
export const eventRefSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an event id or document id');

/**
 * POST /consent/receipts/verify (admin) and /api/consent/receipts/verify (public):
 * the compact JWS, optionally with the receipt it claims to be (then both must agree).
 */
export const verifyReceiptSchema = z
  .object({
    jws: z.string().min(1).max(200_000).describe('The compact JWS of a signed receipt'),
    receipt: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('The receipt JSON; when given it must equal the signed payload'),
  })
  .strict();
