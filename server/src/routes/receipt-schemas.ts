import { z } from '@strapi/utils';
import { verifyReceiptSchema } from '../validation/data-rights';

/** Request and response schemas of the public receipt routes (validated by Strapi, documented by `strapi openapi generate`). */
export const verifyReceiptRoute = {
  request: { body: { 'application/json': verifyReceiptSchema } },
  response: z.object({
    data: z.object({
      valid: z.boolean().describe("true when the signature verifies with the server's receipt key"),
      reason: z.string().optional().describe('Why it does not verify'),
      receipt: z.unknown().optional().describe('The signed receipt (when valid)'),
      kid: z.string().optional(),
    }),
  }),
};

export const jwksRoute = {
  response: z
    .object({
      keys: z.array(
        z
          .object({ kty: z.string(), kid: z.string(), alg: z.string(), use: z.string() })
          .passthrough()
      ),
    })
    .describe('JWK Set (RFC 7517) of the receipt signing key'),
};
