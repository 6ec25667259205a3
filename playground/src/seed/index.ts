import type { Core } from '@strapi/strapi';
import { demoClients, demoService } from './clients';
import { seedRequests } from './requests';
import { PURPOSES, STORAGE_V2, STORAGE_V2_1, TEXTS } from './texts';

const DEFAULT_ADMIN = { email: 'admin@example.com', password: 'Consent-demo-2026' };

type Decision = 'given' | 'refused' | 'withdrawn' | 'revoked' | 'expired';

/**
 * The demo admin: created when no admin exists yet, from DEMO_ADMIN_EMAIL and
 * DEMO_ADMIN_PASSWORD (documented defaults otherwise). DEMO_ADMIN=off leaves the
 * app without one, so the admin panel asks for the first admin (the browser tests
 * register it through that page).
 */
const ensureDemoAdmin = async (strapi: Core.Strapi) => {
  const email = process.env.DEMO_ADMIN_EMAIL || DEFAULT_ADMIN.email;
  const password = process.env.DEMO_ADMIN_PASSWORD || DEFAULT_ADMIN.password;
  const users = strapi.service('admin::user');
  if (process.env.DEMO_ADMIN === 'off')
    return { email, password: '(no demo admin: DEMO_ADMIN=off)' };
  if (!(await users.exists())) {
    await users.createFirstAdmin({ email, password, firstname: 'Demo', lastname: 'Admin' });
    strapi.log.info(`[demo] created the demo admin ${email}`);
  }
  // Print the documented default so a first-time user can log in; never print a password of their own.
  return {
    email,
    password: password === DEFAULT_ADMIN.password ? password : '(the value of DEMO_ADMIN_PASSWORD)',
  };
};

/**
 * A booking front-end may read the texts (public route) and create bookings; a
 * logged-in client may see and change their own consent (/api/consent/me).
 */
const grantPermissions = async (strapi: Core.Strapi) => {
  await grant(strapi, 'public', ['api::booking.booking.create']);
  await grant(strapi, 'authenticated', ['plugin::consent.me.find', 'plugin::consent.me.decide']);
};

const grant = async (strapi: Core.Strapi, type: string, actions: string[]) => {
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type } });
  if (!role) return;
  for (const action of actions) {
    const existing = await strapi.db
      .query('plugin::users-permissions.permission')
      .findOne({ where: { action, role: role.id } });
    if (!existing) {
      await strapi.db
        .query('plugin::users-permissions.permission')
        .create({ data: { action, role: role.id } });
    }
  }
};

const seedConsentData = async (strapi: Core.Strapi) => {
  const consent = strapi.plugin('consent');
  const purposes = consent.service('purposes');
  const texts = consent.service('texts');
  const ledger = consent.service('ledger');
  const publisher = { id: 'seed', name: 'Demo seed' };

  // The demo's history is spread over the past year, so the overview's trend has a shape and
  // the retention rule and expiry have dates to work on. Made-up history: each text version is
  // dated (by SQL, past the plugin's immutability guard) before the first consent to it, and
  // every client's decisions keep their order.
  const DAY = 24 * 60 * 60 * 1000;
  const now = Date.now();
  const daysAgo = (days: number) => new Date(now - days * DAY);
  const knex = strapi.db.connection;
  // What a datetime column takes through knex itself (SQLite keeps Strapi's datetimes as epoch milliseconds).
  const column = (date: Date) => (strapi.db.dialect.client === 'sqlite' ? date.getTime() : date);
  const dateLatestVersion = async (purpose: string, days: number) => {
    const latest = await knex('consent_texts')
      .where('purpose_key', purpose)
      .orderBy('id', 'desc')
      .first('id');
    if (latest)
      await knex('consent_texts')
        .where('id', latest.id)
        .update({ released_at: column(daysAgo(days)) });
  };

  for (const purpose of PURPOSES) {
    await purposes.create({ ...purpose });
    await texts.publish(
      purpose.key,
      { changeKind: 'substantive', bodies: TEXTS[purpose.key] },
      publisher
    );
    await dateLatestVersion(purpose.key, 365);
  }

  const clients = [];
  for (const client of demoClients()) {
    clients.push(await strapi.documents('api::client.client').create({ data: client }));
  }
  const record = (
    i: number,
    decisions: { purpose: string; decision: Decision; explicit?: boolean }[],
    channel = 'booking_page',
    at: Date = new Date()
  ) =>
    ledger.record({
      subject: clients[i].documentId,
      decisions,
      channel,
      locale: clients[i].language,
      source: 'demo seed',
      occurredAt: at,
      actor:
        channel === 'in_person'
          ? { type: 'admin', id: 'seed', name: 'Demo seed' }
          : { type: 'subject' },
    });
  // Consents to storage 1.0, before 2.0 is published: these clients end up "outdated".
  for (let i = 0; i < 10; i += 1)
    await record(
      i,
      [{ purpose: 'storage', decision: 'given' }],
      'booking_page',
      daysAgo(360 - i * 6)
    );

  await texts.publish(
    'storage',
    { changeKind: 'substantive', bodies: STORAGE_V2, summary: 'Photos of results are kept too' },
    publisher
  );
  await dateLatestVersion('storage', 290);
  await texts.publish(
    'storage',
    { changeKind: 'editorial', bodies: STORAGE_V2_1, summary: 'Wording of the English text' },
    publisher
  );
  await dateLatestVersion('storage', 250);

  for (let i = 10; i < 30; i += 1) {
    await record(
      i,
      [
        { purpose: 'storage', decision: 'given' },
        { purpose: 'marketing', decision: i % 2 === 0 ? 'given' : 'refused' },
        ...(i % 5 === 0 ? [{ purpose: 'health', decision: 'given' as const, explicit: true }] : []),
      ],
      i % 4 === 0 ? 'in_person' : 'booking_page',
      // Spread from about eight months ago to a fortnight ago.
      daysAgo(245 - (i - 10) * 12)
    );
  }
  for (let i = 30; i < 35; i += 1)
    await record(
      i,
      [{ purpose: 'storage', decision: 'refused' }],
      'booking_page',
      daysAgo(200 - (i - 30) * 25)
    );
  for (let i = 35; i < 39; i += 1) {
    const given = 180 - (i - 35) * 30;
    await record(
      i,
      [
        { purpose: 'storage', decision: 'given' },
        { purpose: 'marketing', decision: 'given' },
      ],
      'booking_page',
      daysAgo(given)
    );
    await record(
      i,
      [
        { purpose: 'marketing', decision: 'withdrawn' },
        ...(i < 37 ? [{ purpose: 'storage', decision: 'withdrawn' as const }] : []),
      ],
      'web_form',
      daysAgo(given - 25)
    );
  }
  await record(39, [{ purpose: 'storage', decision: 'given' }], 'booking_page', daysAgo(120));
  await record(39, [{ purpose: 'storage', decision: 'revoked' }], 'in_person', daysAgo(60));
  for (let i = 40; i < 42; i += 1)
    await record(i, [{ purpose: 'storage', decision: 'expired' }], 'email_link', daysAgo(20 + i));
  // Clients 42-49 have no consent events: "missing".

  // Each client joined the day before their first decision; those without one, some day of the year.
  for (const [i, client] of clients.entries()) {
    const first = await knex('consent_events')
      .where('subject', client.documentId)
      .min({ at: 'occurred_at' })
      .first();
    const at = first?.at != null ? new Date(first.at).getTime() - DAY : now - (300 - i * 5) * DAY;
    await strapi.db
      .query('api::client.client')
      .updateMany({ where: { documentId: client.documentId }, data: { createdAt: new Date(at) } });
  }

  // Requests and a finished campaign, for the admin screens.
  await seedRequests(strapi, clients);

  // Bookings, once consents exist: under requirement "block" only clients with valid consent may book.
  const blocking = consent
    .service('config')
    .get()
    .bookings.some((b: { requirement: string }) => b.requirement === 'block');
  for (let i = 0; i < clients.length; i += 3) {
    if (
      blocking &&
      (await consent.service('states').missingRequired(clients[i].documentId)).length > 0
    )
      continue;
    await strapi.documents('api::booking.booking').create({
      data: {
        client: clients[i].documentId,
        service: demoService(i),
        startsAt: new Date(Date.UTC(2026, 11, 1 + (i % 28), 9 + (i % 8))).toISOString(),
      },
    });
  }

  return clients.length;
};

/**
 * The organisation name clients see in every message: the activation wizard asks for it, and
 * requests are refused without it. The demo names itself, so it works out of the box.
 */
const nameOrganisation = async (strapi: Core.Strapi) => {
  const settings = strapi.plugin('consent').service('settings');
  const current = await settings.get();
  if (!current.sender.organisation) {
    await settings.update({ sender: { ...current.sender, organisation: 'Salon Demo' } });
  }
};

/** Seed the demo once: a flag in Strapi's core store makes restarts add nothing. */
export const seedDemo = async (strapi: Core.Strapi) => {
  const admin = await ensureDemoAdmin(strapi);
  await grantPermissions(strapi);

  const store = strapi.store({ type: 'core', name: 'consent-demo' });
  if (!strapi.plugins.consent) {
    strapi.log.info(
      '[demo] the consent plugin is disabled (CONSENT_ENABLED=false): nothing seeded'
    );
  } else if (process.env.DEMO_SEED === 'off') {
    // A fresh install as a host sees it: no organisation, purposes or texts (the activation
    // wizard's browser test).
    strapi.log.info('[demo] DEMO_SEED=off: no consent data seeded');
  } else {
    await nameOrganisation(strapi);
  }
  if (
    strapi.plugins.consent &&
    process.env.DEMO_SEED !== 'off' &&
    !(await store.get({ key: 'seeded' }))
  ) {
    const clients = await seedConsentData(strapi);
    await store.set({ key: 'seeded', value: { at: new Date().toISOString(), clients } });
    strapi.log.info(
      `[demo] seeded ${clients} clients, bookings, 4 purposes, texts in en/da/sv and consents`
    );
  }

  if (process.env.DEMO_QUIET !== 'true') {
    const url =
      strapi.config.get('server.absoluteUrl') ??
      `http://localhost:${strapi.config.get('server.port')}`;
    strapi.log.info(`[demo] log in at ${url}/admin with ${admin.email} / ${admin.password}`);
  }
};
