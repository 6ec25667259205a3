import type { Context } from 'koa';
import { CONTENT_SECURITY_POLICY } from './layout';

/**
 * Headers of every consent page. The token is in the URL: no cache may keep the
 * page, no Referer may carry it to another site, no search engine may index it.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex, nofollow',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
};

export const sendPage = (ctx: Context, status: number, page: string): void => {
  ctx.set(PAGE_HEADERS);
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = page;
};

/**
 * 303 See Other after a POST, so reloading the page does not send the form again.
 * The target is relative to the page, which keeps it right behind a proxy that
 * serves the API under another path.
 */
export const redirectAfterPost = (ctx: Context, location: string): void => {
  ctx.set(PAGE_HEADERS);
  ctx.status = 303;
  ctx.set('Location', location);
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = 'See Other';
};
