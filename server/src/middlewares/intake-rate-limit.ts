import type { Core } from '@strapi/strapi';
import { errors } from '../utils/strapi-errors';
import type { Context, Next } from 'koa';
import { getService } from '../utils/get-service';
import { contentTypeOf } from '../utils/models';

/** `/api/bookings`, lower case and without a trailing slash, as the router matches it (case-insensitively). */
const normalise = (path: string): string =>
  (path.length > 1 ? path.replace(/\/+$/, '') : path).toLowerCase();

/** The create route of every configured booking type: `<api.rest.prefix>/<pluralName>`. */
export const intakePaths = (strapi: Core.Strapi): Set<string> => {
  const prefix = String(strapi.config.get('api.rest.prefix', '/api'));
  const { bookings } = getService(strapi, 'config').get();
  return new Set(
    bookings.map((booking) => {
      const pluralName = contentTypeOf(strapi, booking.uid).info.pluralName;
      return normalise(`${prefix}/${pluralName}`);
    })
  );
};

/**
 * The per-address limit of the public booking intake (config `intake.rateLimit`),
 * added to the app with `strapi.server.use` in bootstrap. There it runs after the
 * app's middlewares (config/middlewares: `strapi::errors` renders the 429 in
 * Strapi's error shape) and before the router, so a refused booking reaches no
 * policy, controller or database write.
 *
 * Only anonymous calls count: a request with an Authorization header is a
 * booking server's API token or a logged-in user, and Strapi answers a bad token
 * with 401 before anything is written, so the header is no way around the limit.
 */
export const intakeRateLimit = (strapi: Core.Strapi) => {
  const paths = intakePaths(strapi);
  const limit = getService(strapi, 'intake-limit');
  return async (ctx: Context, next: Next): Promise<void> => {
    if (ctx.method !== 'POST' || ctx.get('authorization') || !paths.has(normalise(ctx.path))) {
      await next();
      return;
    }
    // ctx.request.ip is the proxy's address unless Strapi trusts it (server.proxy.koa).
    const verdict = await limit.hit(ctx.request.ip || 'unknown');
    if (verdict.limited) {
      ctx.set('Retry-After', String(verdict.retryAfterSeconds));
      throw new errors.RateLimitError('Too many bookings from this address, try again later', {
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
    }
    await next();
  };
};
