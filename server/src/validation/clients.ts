import { z } from '@strapi/utils';
import { CLIENT_STATES, EXPORT_FORMATS } from '../contracts';
import { documentIdSchema } from './decision';

/** Search text of the clients list: matched as "contains", case-insensitive, on name, email and phone. */
export const searchSchema = z.string().trim().max(200);

/** An opaque cursor: the last document id of the previous page, base64url-encoded. */
export const encodeCursor = (documentId: string): string =>
  Buffer.from(documentId, 'utf8').toString('base64url');

const cursorSchema = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const decoded = Buffer.from(value, 'base64url').toString('utf8');
    if (!documentIdSchema.safeParse(decoded).success) {
      ctx.addIssue({ code: 'custom', message: 'must be the meta.next value of a previous page' });
      return z.NEVER;
    }
    return decoded;
  });

/** GET /consent/clients */
export const listClientsSchema = z
  .object({
    state: z.enum(CLIENT_STATES).default('all'),
    q: searchSchema.optional(),
    cursor: cursorSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/** GET /consent/subjects/statuses?documentIds=a,b,c */
export const statusesSchema = z
  .object({
    documentIds: z
      .string()
      .transform((value) => [
        ...new Set(
          value
            .split(',')
            .map((id) => id.trim())
            .filter(Boolean)
        ),
      ])
      .pipe(z.array(documentIdSchema).min(1).max(100)),
  })
  .strict();

/** GET /consent/bookings/:uid/checks?documentIds=a,b,c: the same list of ids. */
export const bookingChecksSchema = statusesSchema;

/** GET /consent/overview */
export const overviewSchema = z
  .object({ days: z.coerce.number().int().min(1).max(366).default(30) })
  .strict();

/** GET /consent/subjects/:subject/export */
/**
 * An event's source as a filter: compared exactly, any text an event may hold (a key of
 * Settings > Sources, or the free text an API or import caller gave).
 */
export const sourceFilterSchema = z.string().trim().min(1).max(255);

export const exportSchema = z
  .object({
    format: z.enum(EXPORT_FORMATS).default('csv'),
    /** Only the events of this source. */
    source: sourceFilterSchema.optional(),
    /** The XLSX headings' language; the plugin's default locale when left out. */
    locale: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/)
      .optional(),
  })
  .strict();

/** GET /consent/events/export: one source's events across all clients (the source is required). */
export const eventsExportSchema = exportSchema.extend({ source: sourceFilterSchema });

/** GET /consent/events: newest first, keyset-paged by id. */
export const eventsPageSchema = z
  .object({
    source: sourceFilterSchema.optional(),
    before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
