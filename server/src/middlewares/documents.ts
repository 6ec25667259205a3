import type { Core, Modules } from '@strapi/strapi';
import { errors, z } from '@strapi/utils';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { bookingConsentSchema } from '../validation/booking-consent';

type Context = Modules.Documents.Middleware.Context;
type Middleware = Modules.Documents.Middleware.Middleware;

const WRITE_ACTIONS = new Set(['create', 'update']);

/**
 * The schema of `data.consent`, built once: building a zod object (regexes, records)
 * on every booking cost about 3 % of a booking's CPU. It is immutable, so sharing it is safe.
 */
let consentSchema: ReturnType<typeof bookingConsentSchema> | null = null;
const consentInputSchema = () => (consentSchema ??= bookingConsentSchema(z));

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
    // `data.consent` (what the document service receives) or, as Strapi's OpenAPI output
    // shows extra input params, a top-level `consent` beside `data` in the request body.
    const inData = params.data?.consent;
    const body = request?.request.body as { consent?: unknown } | undefined;
    const topLevel = ctx.action === 'create' || ctx.action === 'update' ? body?.consent : undefined;
    if (inData !== undefined && topLevel !== undefined) {
      throw new errors.ValidationError('Send consent once: in data.consent or beside data, not both', {
        errors: [{ path: ['consent'], message: 'given twice' }],
      });
    }
    const rawConsent = inData ?? topLevel;
    // Strapi validated it on the REST routes; programmatic callers get the same check.
    const consent = rawConsent === undefined ? undefined : parse(consentInputSchema(), rawConsent);
    if (params.data && 'consent' in params.data) {
      const { consent: _removed, ...data } = params.data;
      params.data = data;
    }

    return strapi.db.transaction(async () => {
      const result = await next();
      if (!result || typeof result !== 'object' || !('documentId' in result)) return result;
      await getService(strapi, 'bookings').afterWrite({
        uid: ctx.uid,
        action: ctx.action as 'create' | 'update',
        booking: result as unknown as { id: number; documentId: string },
        consent,
        ip: request?.request.ip ?? null,
        userAgent: request?.request.get('user-agent') || null,
      });
      return result;
    });
  };
