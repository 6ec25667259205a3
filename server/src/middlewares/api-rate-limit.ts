import { errors } from '../utils/strapi-errors';
import type { Context, Next } from 'koa';
import { countRequest } from './rate-limit';

/**
 * The per-address limit of the public consent pages (config `rateLimit`, shared
 * counter), for public JSON endpoints: over the limit the answer is a 429 in
 * Strapi's error shape with Retry-After, not the HTML page.
 */
export const apiRateLimit = async (ctx: Context, next: Next): Promise<void> => {
  // A route middleware given as a function gets no Strapi instance (see rate-limit.ts).
  const verdict = countRequest(strapi, ctx.request.ip || 'unknown');
  if (verdict.limited) {
    ctx.set('Retry-After', String(verdict.retryAfterSeconds));
    throw new errors.RateLimitError('Too many requests, try again later', {
      retryAfterSeconds: verdict.retryAfterSeconds,
    });
  }
  await next();
};
