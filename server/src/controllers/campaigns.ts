import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { adminActor } from '../utils/admin-user';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { documentIdSchema } from '../validation/decision';
import { createCampaignSchema } from '../validation/request';
import type { CampaignAction, ChangeCampaign, CreateCampaign, GetCampaigns } from '../contracts';

/** Admin API: campaigns (bulk consent requests), their progress, pause / resume / cancel. */
const campaigns = ({ strapi }: { strapi: Core.Strapi }) => {
  /** The handler of one of a campaign's actions. */
  const transition = (action: CampaignAction) => async (ctx: Context) => {
    ctx.body = {
      data: await getService(strapi, 'campaigns').transition(
        parse(documentIdSchema, ctx.params.id),
        action
      ),
    } satisfies ChangeCampaign.Response;
  };

  return {
    async find(ctx: Context) {
      const service = getService(strapi, 'campaigns');
      const rows = await service.list();
      ctx.body = {
        data: await Promise.all(
          rows.map(async (row) => ({ ...row, counts: await service.counts(row.documentId) }))
        ),
      } satisfies GetCampaigns.Response;
    },

    async findOne(ctx: Context) {
      ctx.body = {
        data: await getService(strapi, 'campaigns').findOne(parse(documentIdSchema, ctx.params.id)),
      };
    },

    async create(ctx: Context) {
      const input: CreateCampaign.Request['body'] = parse(createCampaignSchema, ctx.request.body);
      ctx.status = 201;
      ctx.body = {
        data: await getService(strapi, 'campaigns').create({ ...input, actor: adminActor(ctx) }),
      } satisfies CreateCampaign.Response;
    },

    pause: transition('pause'),
    resume: transition('resume'),
    cancel: transition('cancel'),
  };
};

export default campaigns;
