/**
 * The baseline's booking intake: what a host app without the plugin does with the
 * same public booking request. Registered only in the baseline's server process
 * (CONSENT_ENABLED=false), after the app's register() and before its routes exist;
 * the demo app itself keeps Strapi's core booking controller.
 *
 * It is the demo's own booking controller as it was before the plugin took over
 * the intake (commit 7f02ca0^: playground/src/api/booking/controllers/booking.ts and
 * the client service's matchOrCreate), minus `data.consent`:
 *   - `data.contact` declared with contentAPI.addInputParams (the same schema the
 *     plugin declares), so Strapi's route validation accepts and checks it;
 *   - validateInput / sanitizeInput of the booking's own fields, as the core create does;
 *   - one transaction: the client found by email (`$eqi`, as the plugin looks it up)
 *     or created with the document service, then the booking created with the
 *     document service and its relation to that client;
 *   - the response as the core controller gives it (sanitizeOutput, transformResponse).
 * One request, one transaction, the same lookup and the same two document-service
 * creates as the plugin's new-client path: what differs is only the consent work.
 */
import { factories, type Core } from '@strapi/strapi';
import { type z } from '@strapi/utils';
import { bookingContactSchema } from '../../server/src/validation/booking-contact';

const BOOKING = 'api::booking.booking';
const CLIENT = 'api::client.client';

interface Contact {
  name: string;
  email?: string;
  phone?: string;
  language?: string;
}

const matchOrCreate = async (strapi: Core.Strapi, contact: Contact): Promise<string> => {
  const email = contact.email?.trim().toLowerCase() || null;
  const phone = contact.phone?.replace(/\s+/g, '') || null;
  const where = email ? { email: { $eqi: email } } : phone ? { phone } : null;
  if (where) {
    const existing = (await strapi.db.query(CLIENT).findOne({ where, select: ['documentId'] })) as {
      documentId: string;
    } | null;
    if (existing) return existing.documentId;
  }
  const created = await strapi.documents(CLIENT).create({
    data: {
      name: contact.name.trim(),
      email,
      phone,
      language: contact.language ?? 'da',
    } as never,
  });
  return created.documentId;
};

/** Call from the baseline server's register hook (bench/lib.ts bootApp's `register`). */
export const registerBaselineIntake = (strapi: Core.Strapi): void => {
  strapi.contentAPI.addInputParams({
    contact: {
      schema: (zod) =>
        bookingContactSchema(zod as unknown as typeof z, ['en', 'da', 'sv']).optional(),
      matchRoute: (route) => route.handler === `${BOOKING}.create`,
    },
  });
  strapi.get('controllers').set(
    BOOKING,
    factories.createCoreController(BOOKING, ({ strapi: app }) => ({
      async create(ctx) {
        const body = (ctx.request.body ?? {}) as { data?: Record<string, unknown> };
        const { contact, ...fields } = (body.data ?? {}) as Record<string, unknown> & {
          contact?: Contact;
        };
        if (!contact) return super.create(ctx);
        await this.validateInput!(fields, ctx);
        const data = (await this.sanitizeInput!(fields, ctx)) as Record<string, unknown>;
        const booking = await app.db.transaction(async () => {
          const client = await matchOrCreate(app, contact);
          return app.documents(BOOKING).create({ data: { ...data, client } as never });
        });
        ctx.status = 201;
        return this.transformResponse!(await this.sanitizeOutput!(booking, ctx));
      },
    }))
  );
};
