import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { adminActor } from '../utils/admin-user';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { documentIdSchema } from '../validation/decision';
import {
  clientRequestsSchema,
  createRequestSchema,
  listRequestsSchema,
} from '../validation/request';
import type {
  ChangeRequest,
  CreateClientRequest,
  GetClientRequests,
  GetRequests,
} from '../contracts';

/** Admin API: consent requests of one client, the request queue, cancel and send again. */
const requests = ({ strapi }: { strapi: Core.Strapi }) => ({
  async create(ctx: Context) {
    const subject = parse(documentIdSchema, ctx.params.subject);
    const input: CreateClientRequest.Request['body'] = parse(
      createRequestSchema,
      ctx.request.body ?? {}
    );
    const row = await getService(strapi, 'requests').create({
      subject,
      purposes: input.purposes,
      actor: adminActor(ctx),
    });
    ctx.status = 201;
    ctx.body = {
      data: getService(strapi, 'requests').present(row),
    } satisfies CreateClientRequest.Response;
  },

  async find(ctx: Context) {
    const query = parse(listRequestsSchema, ctx.query);
    const { results, next } = await getService(strapi, 'requests').list(query);
    // The clients' names for the list, in one batched lookup (the name only: no contact details).
    const ids = [...new Set(results.map((r) => r.subject))];
    const contacts =
      ids.length > 0
        ? await getService(strapi, 'subjects').contacts(ids)
        : new Map<string, { name: string | null }>();
    ctx.body = {
      data: results.map((r) => ({ ...r, subjectName: contacts.get(r.subject)?.name ?? null })),
      meta: { next },
    } satisfies GetRequests.Response;
  },

  async forSubject(ctx: Context) {
    const subject = parse(documentIdSchema, ctx.params.subject);
    const query = parse(clientRequestsSchema, ctx.query);
    await getService(strapi, 'subjects').assertExists(subject);
    const { results, next } = await getService(strapi, 'requests').list({ subject, ...query });
    ctx.body = { data: results, meta: { next } } satisfies GetClientRequests.Response;
  },

  async cancel(ctx: Context) {
    const id = parse(documentIdSchema, ctx.params.id);
    ctx.body = {
      data: getService(strapi, 'requests').present(await getService(strapi, 'requests').cancel(id)),
    } satisfies ChangeRequest.Response;
  },

  async resend(ctx: Context) {
    const id = parse(documentIdSchema, ctx.params.id);
    const row = await getService(strapi, 'requests').resend(id, adminActor(ctx));
    ctx.status = 201;
    ctx.body = {
      data: getService(strapi, 'requests').present(row),
    } satisfies ChangeRequest.Response;
  },
});

export default requests;
