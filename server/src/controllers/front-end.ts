import { errors } from '../utils/strapi-errors';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from 'koa';

/**
 * Where `npm run build` puts the helper: the bundled server runs from dist/server,
 * the helper is compiled apart (its own tsconfig) to dist/front-end. Asked lazily and
 * guarded: Strapi requires the CommonJS bundle (which has __dirname); the ES module
 * bundle has none and must still load.
 */
export const consentFormFile = (): string | null =>
  typeof __dirname === 'string'
    ? path.resolve(__dirname, '..', 'front-end', 'consent-form.js')
    : null;

interface Asset {
  body: Buffer;
  etag: string;
}

let cached: Asset | null = null;

/** Read once: the file only changes when the plugin is rebuilt, which restarts the server. */
const consentFormAsset = (): Asset => {
  if (cached) return cached;
  const file = consentFormFile();
  if (!file || !fs.existsSync(file)) {
    throw new errors.NotFoundError(
      'The consent form helper is not built (npm run build in the plugin)'
    );
  }
  const body = fs.readFileSync(file);
  cached = {
    body,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
  return cached;
};

/** Content API: the front-end helper as an ES module, for booking pages to import. */
const frontEnd = () => ({
  async consentForm(ctx: Context) {
    const asset = consentFormAsset();
    ctx.set('ETag', asset.etag);
    // Short freshness, then revalidation: a plugin upgrade reaches pages within minutes.
    ctx.set('Cache-Control', 'public, max-age=300, must-revalidate');
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.status = 200; // koa only compares validators on a 2xx
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = asset.body;
  },
});

export default frontEnd;
