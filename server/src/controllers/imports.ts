import type { Core } from '@strapi/strapi';
import { errors } from '../utils/strapi-errors';
import type { Context } from 'koa';
import { adminActor } from '../utils/admin-user';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { IMPORT_MAX_CHARS, importQuerySchema, importSchema } from '../validation/import';

/** A text/csv body as text (Strapi's body parser leaves that type alone), refused past the size limit. */
const readText = async (ctx: Context): Promise<string> => {
  if (typeof ctx.request.body === 'string') return ctx.request.body;
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > IMPORT_MAX_CHARS * 4)
      throw new errors.PayloadTooLargeError('The CSV is too large: split it', {
        maxChars: IMPORT_MAX_CHARS,
      });
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
};

/** Admin API: import legacy consents from CSV (JSON `{ csv, dryRun }`, or a text/csv body with ?dryRun=true). */
const imports = ({ strapi }: { strapi: Core.Strapi }) => ({
  async create(ctx: Context) {
    const input = ctx.is('text/csv', 'text/plain')
      ? {
          ...parse(importQuerySchema, ctx.query),
          csv: parse(importSchema.shape.csv, await readText(ctx)),
        }
      : parse(importSchema, ctx.request.body ?? {});
    const report = await getService(strapi, 'import').run(input, adminActor(ctx));
    ctx.status = report.dryRun ? 200 : 201;
    ctx.body = { data: report };
  },
});

export default imports;
