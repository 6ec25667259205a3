import type { z as zod } from '@strapi/utils';

type Z = typeof zod;

/** Printable text: no control characters (NUL, line breaks), which no name or phone number holds. */
const PRINTABLE = /^[^\u0000-\u001f\u007f]*$/;

/**
 * `data.contact` of a public booking: who books, as the person typed it. The plugin's
 * intake finds or creates the client from it (services/intake.ts), so a booking page
 * needs no read permission on the client type. Registered with
 * contentAPI.addInputParams on the create route of every booking type with `intake`
 * on, so Strapi validates it (400) and documents it in the OpenAPI output.
 * `locales`: the languages a client may have (the plugin's `locales`).
 */
export const bookingContactSchema = (z: Z, locales: readonly string[]) =>
  z
    .object({
      name: z
        .string()
        .trim()
        .min(1)
        .max(200)
        .regex(PRINTABLE, 'must not contain control characters'),
      email: z.email().max(254).optional(),
      phone: z
        .string()
        .regex(
          /^\+?[0-9 ]{6,20}$/,
          'must be a phone number: digits and spaces, optionally starting with +'
        )
        .optional(),
      language: z.enum(locales as [string, ...string[]]).optional(),
    })
    .strict()
    .describe(
      "Who books: the plugin finds the client by email (else phone) or creates one, in the booking's transaction. " +
        'Decisions sent for an existing client are held until the client confirms them through a link sent to the address on file.'
    );

export type BookingContactInput = zod.infer<ReturnType<typeof bookingContactSchema>>;
