import type { Core, Modules } from '@strapi/strapi';
import { z } from '@strapi/utils';
import { errors } from '../utils/strapi-errors';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { speaksForClient } from '../host';
import { bookingConsentSchema } from '../validation/booking-consent';
import { bookingContactSchema } from '../validation/booking-contact';
import { transaction } from '../utils/transaction';

type Context = Modules.Documents.Middleware.Context;
type Middleware = Modules.Documents.Middleware.Middleware;

const WRITE_ACTIONS = new Set(['create', 'update']);

/**
 * The schema of `data.consent`, built once: building a zod object (regexes, records)
 * on every booking cost about 3 % of a booking's CPU. It is immutable, so sharing it is safe.
 */
let consentSchema: ReturnType<typeof bookingConsentSchema> | null = null;
const consentInputSchema = () => (consentSchema ??= bookingConsentSchema(z));
const contactSchemas = new WeakMap<Core.Strapi, ReturnType<typeof bookingContactSchema>>();
const contactInputSchema = (strapi: Core.Strapi) => {
  let schema = contactSchemas.get(strapi);
  if (!schema)
    contactSchemas.set(
      strapi,
      (schema = bookingContactSchema(z, getService(strapi, 'config').get().locales))
    );
  return schema;
};

/**
 * Document-service middleware on the configured booking types. It only decides
 * whether to act and hands the work to the bookings service, inside one database
 * transaction around the booking's own write (document middlewares run outside
 * the repository's transaction): booking and consent events are stored together or not at all.
 */
export const bookingDocumentsMiddleware =
  (strapi: Core.Strapi): Middleware =>
  async (ctx: Context, next) => {
    const settings = getService(strapi, 'bookings').settingsFor(ctx.uid);
    if (!settings) return next();

    if (ctx.action === 'delete') {
      const documentId = (ctx.params as { documentId?: string }).documentId;
      const result = await next();
      if (documentId) await getService(strapi, 'bookings').afterDelete(ctx.uid, documentId);
      return result;
    }
    if (!WRITE_ACTIONS.has(ctx.action)) return next();

    const params = ctx.params as { data?: Record<string, unknown> };
    const request = strapi.requestContext.get();
    const body = request?.request.body as { consent?: unknown; contact?: unknown } | undefined;
    // `data.consent` / `data.contact` (what the document service receives) or, as Strapi's OpenAPI
    // output shows extra input params, a top-level `consent` / `contact` beside `data` in the body.
    const consent = once(params.data, body, 'consent', (raw) => parse(consentInputSchema(), raw));
    const contact =
      ctx.action === 'create' && settings.intake
        ? once(params.data, body, 'contact', (raw) => parse(contactInputSchema(strapi), raw))
        : undefined;
    if (params.data && ('consent' in params.data || 'contact' in params.data)) {
      const { consent: _consent, contact: _contact, ...data } = params.data;
      params.data = data;
    }
    if (contact && params.data?.[settings.subject] != null) {
      throw new errors.ValidationError(`Send either contact or ${settings.subject}, not both`, {
        errors: [{ path: ['data', 'contact'], message: `not together with ${settings.subject}` }],
      });
    }

    const intake = getService(strapi, 'intake');
    const caller = intake.callerOf(request);
    const linkedSubject = await intake.linkedSubject(caller);
    // `block` for a caller who does not decide for the client: the request's own decisions,
    // judged before anything is looked up or written, so the answer never depends on the client.
    const judgedOnRequest =
      settings.requirement === 'block' &&
      ctx.action === 'create' &&
      !speaksForClient(caller) &&
      !linkedSubject;
    if (judgedOnRequest)
      intake.assertRequestGivesRequired(consent, await getService(strapi, 'purposes').list());

    return transaction(strapi, async () => {
      if (contact && params.data) {
        // The plugin's intake: the logged-in client, else the client with this email or phone, else a new one.
        params.data = {
          ...params.data,
          [settings.subject]: linkedSubject ?? (await intake.matchOrCreate(contact)),
        };
      }
      const result = await next();
      if (!result || typeof result !== 'object' || !('documentId' in result)) return result;
      await getService(strapi, 'bookings').afterWrite({
        uid: ctx.uid,
        action: ctx.action as 'create' | 'update',
        booking: result as unknown as { id: number; documentId: string },
        consent,
        caller,
        linkedSubject,
        judgedOnRequest,
        ip: request?.request.ip ?? null,
        userAgent: request?.request.get('user-agent') || null,
      });
      return result;
    });
  };

/**
 * An extra input given in `data` or beside it, parsed; a 400 when given in both places.
 * Strapi validated it on the REST routes; programmatic callers get the same check.
 */
const once = <T>(
  data: Record<string, unknown> | undefined,
  body: Record<string, unknown> | undefined,
  key: string,
  read: (raw: unknown) => T
) => {
  const inData = data?.[key];
  const topLevel = body?.[key];
  if (inData !== undefined && topLevel !== undefined) {
    throw new errors.ValidationError(`Send ${key} once: in data.${key} or beside data, not both`, {
      errors: [{ path: [key], message: 'given twice' }],
    });
  }
  const raw = inData ?? topLevel;
  return raw === undefined ? undefined : read(raw);
};
