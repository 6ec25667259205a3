import type { Core } from '@strapi/strapi';
import { errors } from '../utils/strapi-errors';
import type { Context } from 'koa';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { documentIdSchema } from '../validation/decision';
import { eraseSchema, erasureListSchema } from '../validation/erasure';

/** Admin API: erase one client (Art. 17), and the erasure records. */
const erasure = ({ strapi }: { strapi: Core.Strapi }) => ({
  async erase(ctx: Context) {
    const subject = parse(documentIdSchema, ctx.params.subject);
    const input = parse(eraseSchema, ctx.request.body ?? {});
    const result = await getService(strapi, 'erasure').erase({
      subject,
      reason: input.reason,
      dryRun: input.dryRun,
      actor: getService(strapi, 'audit').actorOf(ctx),
    });
    ctx.status = result.dryRun ? 200 : 201;
    ctx.body = { data: result };
  },

  async find(ctx: Context) {
    const { page, pageSize } = parse(erasureListSchema, ctx.query);
    const { results, pagination } = await getService(strapi, 'erasure').list(page, pageSize);
    ctx.body = { data: results, meta: { pagination } };
  },

  async findOne(ctx: Context) {
    const subject = parse(documentIdSchema, ctx.params.subject);
    const record = await getService(strapi, 'erasure').findBySubject(subject);
    if (!record) throw new errors.NotFoundError('This client has not been erased', { subject });
    ctx.body = { data: record };
  },
});

export default erasure;
