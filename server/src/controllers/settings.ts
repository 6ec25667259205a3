import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { testEmailSchema } from '../validation/request';

/** Admin API: the settings of requests and messages, and a test mail. */
const settings = ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'settings').get() };
  },

  async update(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'settings').update(ctx.request.body) };
  },

  async testEmail(ctx: Context) {
    const input = parse(testEmailSchema, ctx.request.body);
    await getService(strapi, 'delivery').testMail(input.to, input.locale);
    ctx.body = { data: { sent: true, to: input.to } };
  },
});

export default settings;
