import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { pickLocale, tooManyRequestsPage } from '../pages';
import { sendPage } from '../pages';
import { getService } from '../utils/get-service';

/** Requests per client address in the current window (fixed windows aligned on the clock). */
interface Window {
  index: number;
  counts: Map<string, number>;
}

/** One window per Strapi instance: a test or a host may run several in one process. */
const windows = new WeakMap<Core.Strapi, Window>();

/**
 * An IPv6 client usually controls a whole /64, so its addresses count as one; an
 * IPv4-mapped address (::ffff:1.2.3.4) counts as the IPv4 address.
 */
export const clientKey = (ip: string): string => {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!ip.includes(':')) return ip;
  const [head, tail] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const groups =
    tail !== undefined
      ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
      : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g || '0')
    .join(':')}::/64`;
};

/**
 * Counts a request and says whether it is over the limit, and for how long.
 * Memory stays bounded by the addresses seen in one window: a new window drops the last.
 */
export const countRequest = (
  strapi: Core.Strapi,
  ip: string
): { limited: false } | { limited: true; retryAfterSeconds: number } => {
  const { windowSeconds, max } = getService(strapi, 'config').get().rateLimit;
  const now = getService(strapi, 'clock').now().getTime();
  const windowMs = windowSeconds * 1000;
  const index = Math.floor(now / windowMs);
  let window = windows.get(strapi);
  if (!window || window.index !== index) {
    window = { index, counts: new Map() };
    windows.set(strapi, window);
  }
  const key = clientKey(ip);
  const count = (window.counts.get(key) ?? 0) + 1;
  window.counts.set(key, count);
  if (count <= max) return { limited: false };
  return {
    limited: true,
    retryAfterSeconds: Math.max(1, Math.ceil(((index + 1) * windowMs - now) / 1000)),
  };
};

/**
 * Per-address rate limit of the public consent pages (config `rateLimit`), per
 * instance: it slows down guessing and scanning of links; the tokens' 256 bits
 * are what makes guessing hopeless. Over the limit: 429 with Retry-After, before
 * any database work. `ctx.request.ip` is the proxy's address unless Strapi trusts
 * the proxy (`server.proxy.koa`).
 */
export const rateLimit = async (ctx: Context, next: Next): Promise<void> => {
  // A route middleware given as a function gets no Strapi instance: the route
  // table is a plain object built before Strapi starts, so use the global one.
  const instance = strapi;
  const verdict = countRequest(instance, ctx.request.ip || 'unknown');
  if (!verdict.limited) {
    await next();
    return;
  }
  const locale = pickLocale({
    acceptLanguage: ctx.get('accept-language'),
    defaultLocale: getService(instance, 'config').get().defaultLocale,
  });
  sendPage(ctx, 429, tooManyRequestsPage(locale));
  ctx.set('Retry-After', String(verdict.retryAfterSeconds));
};
