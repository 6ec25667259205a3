import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { documentIdSchema } from '../validation/decision';
import {
  retentionPageSchema,
  retentionPreviewSchema,
  retentionRunSchema,
} from '../validation/erasure';
import type { PreviewRetention } from '../contracts';

/** Admin API: the retention rule's preview (dry run) and its bulk erasure runs. */
const retention = ({ strapi }: { strapi: Core.Strapi }) => ({
  async preview(ctx: Context) {
    const input = parse(retentionPreviewSchema, ctx.request.body ?? {});
    ctx.body = {
      data: await getService(strapi, 'retention').preview(
        input,
        getService(strapi, 'audit').actorOf(ctx)
      ),
    } satisfies PreviewRetention.Response;
  },

  async previewPage(ctx: Context) {
    const { cursor, limit } = parse(retentionPageSchema, ctx.query);
    ctx.body = { data: await getService(strapi, 'retention').previewPage(cursor, limit) };
  },

  async createRun(ctx: Context) {
    const input = parse(retentionRunSchema, ctx.request.body ?? {});
    ctx.status = 201;
    ctx.body = {
      data: await getService(strapi, 'retention').createRun(
        input,
        getService(strapi, 'audit').actorOf(ctx)
      ),
    };
  },

  async runs(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'retention').listRuns() };
  },

  async run(ctx: Context) {
    ctx.body = {
      data: await getService(strapi, 'retention').findRun(parse(documentIdSchema, ctx.params.id)),
    };
  },

  async cancel(ctx: Context) {
    ctx.body = {
      data: await getService(strapi, 'retention').cancel(
        parse(documentIdSchema, ctx.params.id),
        getService(strapi, 'audit').actorOf(ctx)
      ),
    };
  },
});

export default retention;
