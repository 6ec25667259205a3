import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { z } from '@strapi/utils';
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

/** The purpose key of the path and the body parsed with `schema`, typed as the contract's request body `T`. */
const keyAndBody = <T>(ctx: Context, schema: z.ZodType<T>): { key: string; input: T } => ({
  key: parse(purposeKeySchema, ctx.params.key),
  input: parse(schema, ctx.request.body),
});

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
    const { key, input } = keyAndBody<UpdatePurpose.Request['body']>(ctx, updatePurposeSchema);
    ctx.body = {
      data: await getService(strapi, 'purposes').update(key, input),
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
    const { key, input } = keyAndBody<PreviewVersion.Request['body']>(ctx, publishTextSchema);
    ctx.body = {
      data: await getService(strapi, 'text-preview').preview(key, input),
    } satisfies PreviewVersion.Response;
  },

  async publish(ctx: Context) {
    const { key, input } = keyAndBody<PublishVersion.Request['body']>(ctx, publishTextSchema);
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
