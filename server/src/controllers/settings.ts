import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { testEmailSchema } from '../validation/request';
import type { GetSettings, SendTestEmail, UpdateSettings } from '../contracts';

/** Admin API: the settings of requests and messages, and a test mail. */
const settings = ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'settings').get() } satisfies GetSettings.Response;
  },

  async update(ctx: Context) {
    ctx.body = {
      data: await getService(strapi, 'settings').update(ctx.request.body),
    } satisfies UpdateSettings.Response;
  },

  async testEmail(ctx: Context) {
    const input = parse(testEmailSchema, ctx.request.body);
    await getService(strapi, 'delivery').testMail(input.to, input.locale);
    ctx.body = { data: { sent: true, to: input.to } } satisfies SendTestEmail.Response;
  },
});

export default settings;
