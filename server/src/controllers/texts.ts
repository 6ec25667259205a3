import type { Core } from '@strapi/strapi';
import { z } from '@strapi/utils';
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { localeSchema } from '../validation/text';

export const textsQuerySchema = z.object({ locale: localeSchema.optional() }).strict();

/** Content API: what a booking front-end shows before the client decides. */
const texts = ({ strapi }: { strapi: Core.Strapi }) => ({
  async current(ctx: Context) {
    const { locale } = parse(textsQuerySchema, ctx.query);
    const body = { data: await getService(strapi, 'texts').current(locale) };
    // Cacheable: the ETag is the hash of the answer, so any new version or purpose change changes it.
    const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', 'public, max-age=0, must-revalidate');
    ctx.set('Vary', 'Accept-Encoding');
    ctx.status = 200; // koa only compares validators on a 2xx
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = body;
  },
});

export default texts;
