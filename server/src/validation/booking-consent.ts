import type { z as zod } from '@strapi/utils';

type Z = typeof zod;

const KEY = /^[a-z][a-z0-9_-]{1,63}$/;

/**
 * `data.consent` of a booking request, registered with contentAPI.addInputParams so
 * Strapi validates it (400 on any mismatch) and documents it in the OpenAPI output.
 * Built from the zod instance Strapi hands over, as its API asks.
 */
export const bookingConsentSchema = (z: Z) => {
  const keys = z.array(z.string().regex(KEY, 'must be a purpose key')).max(50);
  return z
    .object({
      locale: z
        .string()
        .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a locale code such as "da"')
        .optional(),
      given: keys.optional(),
      refused: keys.optional(),
      explicit: keys.optional(),
      versions: z
        .record(
          z.string().regex(KEY, 'must be a purpose key'),
          z.string().regex(/^\d{1,6}\.\d{1,6}$/, 'must be MAJOR.MINOR')
        )
        .optional(),
    })
    .strict()
    .describe(
      "The client's consent decisions, recorded with the booking in one transaction: purpose keys given and refused, the text versions shown (MAJOR.MINOR per key) and, for special categories, the keys ticked explicitly."
    );
};

export type BookingConsentInput = zod.infer<ReturnType<typeof bookingConsentSchema>>;
