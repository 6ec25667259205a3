import type { Core } from '@strapi/strapi';
import { z } from '@strapi/utils';
import { errors } from '../utils/strapi-errors';
import type { Context } from 'koa';
import { getService } from '../utils/get-service';
import { parse } from '../utils/validate';
import type { GetBookingChecks } from '../contracts';
import { bookingChecksSchema } from '../validation/clients';
import { documentIdSchema } from '../validation/decision';

// Not strict: the router adds positional captures next to the named params.
const paramsSchema = z.object({ uid: z.string().max(128), documentId: documentIdSchema });
const uidSchema = z.object({ uid: z.string().max(128) });

/** Admin: whether a booking's client had valid consent when it was stored or last changed. */
const bookings = ({ strapi }: { strapi: Core.Strapi }) => ({
  async check(ctx: Context) {
    const { uid, documentId } = parse(paramsSchema, ctx.params);
    if (!getService(strapi, 'bookings').settingsFor(uid)) {
      throw new errors.NotFoundError('Not a booking type configured for consent', { uid });
    }
    ctx.body = { data: await getService(strapi, 'bookings').findCheck(uid, documentId) };
  },

  /** The marks of a page of bookings at once: the list view's consent column. */
  async checks(ctx: Context) {
    const { uid } = parse(uidSchema, ctx.params);
    const { documentIds } = parse(bookingChecksSchema, ctx.query);
    if (!getService(strapi, 'bookings').settingsFor(uid)) {
      throw new errors.NotFoundError('Not a booking type configured for consent', { uid });
    }
    ctx.body = {
      data: await getService(strapi, 'bookings').findChecks(uid, documentIds),
    } satisfies GetBookingChecks.Response;
  },
});

export default bookings;
