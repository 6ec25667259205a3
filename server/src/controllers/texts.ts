import type { Core } from '@strapi/strapi';
import { z } from '@strapi/utils';
import type { Context } from 'koa';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { localeSchema } from '../validation/text';

const querySchema = z.object({ locale: localeSchema.optional() }).strict();

/** Content API: what a booking front-end shows before the client decides. */
const texts = ({ strapi }: { strapi: Core.Strapi }) => ({
  async current(ctx: Context) {
    const { locale } = parse(querySchema, ctx.query);
    ctx.body = { data: await getService(strapi, 'texts').current(locale) };
  },
});

export default texts;
