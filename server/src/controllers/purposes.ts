import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { createPurposeSchema, purposeKeySchema, updatePurposeSchema } from '../validation/purpose';
import { publishTextSchema } from '../validation/text';
import { adminActor } from '../utils/admin-user';
import type {
  CreatePurpose,
  GetPurposes,
  GetVersions,
  PreviewVersion,
  PublishVersion,
  UpdatePurpose,
} from '../contracts';

const purposes = ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'purposes').list() } satisfies GetPurposes.Response;
  },

  async create(ctx: Context) {
    const input = parse(createPurposeSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = {
      data: await getService(strapi, 'purposes').create(input),
    } satisfies CreatePurpose.Response;
  },

  async update(ctx: Context) {
    const key = parse(purposeKeySchema, ctx.params.key);
    const patch: UpdatePurpose.Request['body'] = parse(updatePurposeSchema, ctx.request.body);
    ctx.body = {
      data: await getService(strapi, 'purposes').update(key, patch),
    } satisfies UpdatePurpose.Response;
  },

  async versions(ctx: Context) {
    const key = parse(purposeKeySchema, ctx.params.key);
    const purpose = await getService(strapi, 'purposes').getByKey(key);
    ctx.body = {
      data: { purpose, versions: await getService(strapi, 'texts').listVersions(purpose.key) },
    } satisfies GetVersions.Response;
  },

  /** What publishing would do (version, diff, clients affected); writes nothing. */
  async preview(ctx: Context) {
    const key = parse(purposeKeySchema, ctx.params.key);
    const input: PreviewVersion.Request['body'] = parse(publishTextSchema, ctx.request.body);
    ctx.body = {
      data: await getService(strapi, 'text-preview').preview(key, input),
    } satisfies PreviewVersion.Response;
  },

  async publish(ctx: Context) {
    const key = parse(purposeKeySchema, ctx.params.key);
    const input: PublishVersion.Request['body'] = parse(publishTextSchema, ctx.request.body);
    const actor = adminActor(ctx);
    ctx.status = 201;
    ctx.body = {
      data: await getService(strapi, 'texts').publish(key, input, {
        id: actor.id,
        name: actor.name,
      }),
    } satisfies PublishVersion.Response;
  },
});

export default purposes;
