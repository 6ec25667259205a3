import { factories } from '@strapi/strapi';

export interface Contact {
  name: string;
  email?: string | null;
  phone?: string | null;
  language?: 'da' | 'sv' | 'en';
}

/**
 * How this demo host app identifies a client who books online: by email, else by
 * phone; a new client otherwise. An existing client's details are never changed
 * from an anonymous booking.
 */
export default factories.createCoreService('api::client.client', ({ strapi }) => ({
  async matchOrCreate(contact: Contact): Promise<string> {
    const email = contact.email?.trim().toLowerCase() || null;
    const phone = contact.phone?.replace(/\s+/g, '') || null;
    const where = email ? { email: { $eqi: email } } : phone ? { phone } : null;
    if (where) {
      const existing = await strapi.db.query('api::client.client').findOne({ where, select: ['documentId'] });
      if (existing) return existing.documentId;
    }
    const created = await strapi
      .documents('api::client.client')
      .create({ data: { name: contact.name.trim(), email, phone, language: contact.language ?? 'da' } });
    return created.documentId;
  },
}));
