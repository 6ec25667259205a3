import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import { encodeCursor, listClientsSchema, overviewSchema } from '../validation/clients';
import type { GetClients, GetOverview } from '../contracts';

/** Admin API: the clients list with consent filters and the overview. */
const clients = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** A keyset page of clients in a consent state; meta.next is the cursor of the next page (null: last page). */
  async find(ctx: Context) {
    const query = parse(listClientsSchema, ctx.query);
    const { data, next } = await getService(strapi, 'clients').page(
      { state: query.state, q: query.q },
      { after: query.cursor ?? null, limit: query.limit }
    );
    ctx.body = {
      data,
      meta: { next: next ? encodeCursor(next) : null },
    } satisfies GetClients.Response;
  },

  async overview(ctx: Context) {
    const { days } = parse(overviewSchema, ctx.query);
    ctx.body = {
      data: await getService(strapi, 'overview').get(days),
    } satisfies GetOverview.Response;
  },
});

export default clients;
