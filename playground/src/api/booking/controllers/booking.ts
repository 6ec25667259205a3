import { factories } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Contact } from '../../client/services/client';

/**
 * A public booking front-end sends the client's contact details (`data.contact`)
 * instead of a client id: the client is matched or created here, in the same
 * transaction as the booking and its consent. The response holds the booking only,
 * so it never tells whether the email or phone belonged to a client.
 */
export default factories.createCoreController('api::booking.booking', ({ strapi }) => ({
  async create(ctx) {
    const body = (ctx.request.body ?? {}) as { data?: Record<string, unknown>; contact?: Contact };
    // `contact` inside `data`, or beside it as Strapi's OpenAPI output places extra input params.
    const { contact: inData, consent, ...fields } = (body.data ?? {}) as Record<string, unknown> & { contact?: Contact };
    const contact = inData ?? body.contact;
    if (!contact) return super.create(ctx);
    if (!contact.email && !contact.phone) {
      throw new errors.ValidationError('contact needs an email or a phone number', {
        errors: [{ path: ['data', 'contact'], message: 'email or phone is required' }],
      });
    }
    await this.validateInput(fields, ctx);
    const data = (await this.sanitizeInput(fields, ctx)) as Record<string, unknown>;
    const booking = await strapi.db.transaction(async () => {
      const client = await strapi.service('api::client.client').matchOrCreate(contact);
      return strapi.documents('api::booking.booking').create({ data: { ...data, client, consent } as never });
    });
    ctx.status = 201;
    return this.transformResponse(await this.sanitizeOutput(booking, ctx));
  },
}));
