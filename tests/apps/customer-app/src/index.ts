import type { Core } from '@strapi/strapi';

/** The two plugin services this app calls, as far as it uses them (the plugin ships no types for hosts). */
type PurposesService = {
  findByKey(key: string): Promise<{ key: string } | null>;
  create(input: {
    key: string;
    name: string;
    description: string | null;
    legalBasis: 'consent';
    specialCategory: boolean;
    marketing: boolean;
    doubleOptIn: boolean;
    required: boolean;
    active: boolean;
    position: number;
  }): Promise<unknown>;
};
type TextsService = {
  publish(
    purposeKey: string,
    input: {
      changeKind: 'substantive' | 'editorial';
      bodies: Record<string, { title: string; text: string }>;
    },
    publisher: { id?: string; name?: string }
  ): Promise<unknown>;
};

/** The one purpose a customer can consent to on the booking page. */
export const STORAGE = 'storage';

/**
 * A booking page may create appointments and nothing else: no find or findOne on
 * appointments or customers. The plugin's intake sets the customer itself.
 */
const grantPublicCreate = async (strapi: Core.Strapi) => {
  const role = await strapi.db
    .query('plugin::users-permissions.role')
    .findOne({ where: { type: 'public' } });
  if (!role) throw new Error('users-permissions has no public role');
  const action = 'api::appointment.appointment.create';
  const existing = await strapi.db
    .query('plugin::users-permissions.permission')
    .findOne({ where: { action, role: role.id } });
  if (!existing)
    await strapi.db
      .query('plugin::users-permissions.permission')
      .create({ data: { action, role: role.id } });
};

/** One consent purpose with a published text, through the plugin's services, so a booking can carry consent. */
const ensurePurpose = async (strapi: Core.Strapi) => {
  const consent = strapi.plugin('consent');
  const purposes = consent.service<PurposesService>('purposes');
  if (await purposes.findByKey(STORAGE)) return;
  await purposes.create({
    key: STORAGE,
    name: 'Storage of personal data',
    description: 'Keeping the customer card between visits.',
    legalBasis: 'consent',
    specialCategory: false,
    marketing: false,
    doubleOptIn: false,
    required: true,
    active: true,
    position: 0,
  });
  await consent.service<TextsService>('texts').publish(
    STORAGE,
    {
      changeKind: 'substantive',
      bodies: {
        en: {
          title: 'Storage of personal data',
          text: 'I consent to the clinic keeping my customer card between visits.',
        },
        da: {
          title: 'Opbevaring af personoplysninger',
          text: 'Jeg giver samtykke til, at klinikken opbevarer mit kundekort mellem besøgene.',
        },
        sv: {
          title: 'Lagring av personuppgifter',
          text: 'Jag samtycker till att kliniken sparar mitt kundkort mellan besöken.',
        },
      },
    },
    { id: 'bootstrap', name: 'Customer app bootstrap' }
  );
};

export default {
  register() {},

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await grantPublicCreate(strapi);
    await ensurePurpose(strapi);
  },
};
