/**
 * Issue 17: a host app with its own type names (tests/apps/customer-app: customers with
 * fullName/mail/mobile/lang, appointments with Draft & Publish), configured in the strict
 * TypeScript form of a freshly created app, books through the plugin's intake. Its public
 * role may only create appointments: no read permission on customers (or appointments).
 */
import { compileApp, startApp, type TestApp } from '../helpers/app';
import { CUSTOMER_APP_DIR } from '../helpers/paths';

const CUSTOMER = 'api::customer.customer';
const APPOINTMENT = 'api::appointment.appointment';
const EVENT = 'plugin::consent.consent-event';
const REQUEST = 'plugin::consent.consent-request';
const SLOT = { at: '2026-12-15T10:00:00.000Z', treatment: 'Massage' };

interface CustomerRow {
  id: number;
  documentId: string;
  fullName: string | null;
  mail: string | null;
  mobile: string | null;
  lang: string | null;
}
interface EventRow {
  subject: string;
  purposeKey: string;
  decision: string;
  bookingId: string | null;
  source: string | null;
  channel: string;
  actorType: string;
  textVersion: string | null;
  textLocale: string | null;
}
interface AppointmentRow {
  id: number;
  documentId: string;
  publishedAt: string | null;
  customer: { documentId: string } | null;
}

let app: TestApp;
let storageVersion: string;

beforeAll(async () => {
  // The global setup compiles the demo app only: this app is compiled here, once.
  await compileApp(CUSTOMER_APP_DIR);
  // No worker: a held confirmation would otherwise be mailed through a provider this app does not configure.
  app = await startApp({ appDir: CUSTOMER_APP_DIR, env: { CONSENT_WORKER: 'false' } });
  const texts = await app.http().get('/api/consent/texts').query({ locale: 'da' });
  expect(texts.status).toBe(200);
  const storage = (texts.body.data as { purpose: string; version: string }[]).find(
    (t) => t.purpose === 'storage'
  );
  if (!storage) throw new Error('the app bootstrap published no "storage" text');
  storageVersion = storage.version;
});
afterAll(async () => {
  await app?.stop();
});

/** What the host's public booking page sends: POST /api/appointments without any token. */
const book = (data: Record<string, unknown>, query: Record<string, string> = {}) =>
  app
    .http()
    .post('/api/appointments')
    .query(query)
    .set('User-Agent', 'CustomerBooking/1.0 (test)')
    .send({ data: { ...SLOT, ...data } });

const consentTo = (locale = 'da') => ({
  locale,
  given: ['storage'],
  versions: { storage: storageVersion },
});

const customers = async () =>
  (await app.strapi.db.query(CUSTOMER).findMany({ orderBy: { id: 'asc' } })) as CustomerRow[];
const eventsOf = async (where: Record<string, unknown>) =>
  (await app.strapi.db.query(EVENT).findMany({ where, orderBy: { id: 'asc' } })) as EventRow[];
const appointmentRows = async (documentId: string) =>
  (await app.strapi.db.query(APPOINTMENT).findMany({
    where: { documentId },
    populate: { customer: { select: ['documentId'] } },
    orderBy: { id: 'asc' },
  })) as AppointmentRow[];
const counts = async () => ({
  customers: await app.strapi.db.query(CUSTOMER).count({}),
  appointments: await app.strapi.db.query(APPOINTMENT).count({}),
  events: await app.strapi.db.query(EVENT).count({}),
  requests: await app.strapi.db.query(REQUEST).count({}),
});
/** The shape of a booking answer: top-level keys and the data's keys. */
const shapeOf = (body: { data?: Record<string, unknown> } & Record<string, unknown>) => ({
  top: Object.keys(body).sort(),
  data: Object.keys(body.data ?? {}).sort(),
});

const CONTACT = {
  name: 'Karen Holm',
  email: 'Karen.Holm@Example.com',
  phone: '+45 20 30 40 50',
  language: 'da',
};
let newCustomerAnswer: ReturnType<typeof shapeOf>;

describe('a host app with its own type names (customers, appointments)', () => {
  it('a public booking with contact and consent creates the customer with its own field names and records the consent', async () => {
    const res = await book({ contact: CONTACT, consent: consentTo() });
    expect(res.status).toBe(201);
    newCustomerAnswer = shapeOf(res.body);
    // Strapi's own answer: the appointment, without the customer (the public role cannot read it).
    expect(newCustomerAnswer.data).toEqual([
      'at',
      'createdAt',
      'documentId',
      'id',
      'publishedAt',
      'treatment',
      'updatedAt',
    ]);

    const all = await customers();
    expect(all).toHaveLength(1);
    // The intake's normalisation: the address in lower case, the phone without spaces.
    expect(all[0]).toMatchObject({
      fullName: 'Karen Holm',
      mail: 'karen.holm@example.com',
      mobile: '+4520304050',
      lang: 'da',
    });

    const rows = await appointmentRows(res.body.data.documentId);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.customer?.documentId).toBe(all[0].documentId);

    const events = await eventsOf({ subject: all[0].documentId });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      purposeKey: 'storage',
      decision: 'given',
      bookingId: res.body.data.documentId,
      source: `booking:${APPOINTMENT}`,
      channel: 'booking_page',
      actorType: 'subject',
      textVersion: storageVersion,
      textLocale: 'da',
    });
  });

  it('the same address in another case finds that customer: no second one, and decisions sent for it are held, not recorded', async () => {
    const [customer] = await customers();

    const plain = await book({ contact: { name: 'K. Holm', email: 'KAREN.HOLM@EXAMPLE.COM' } });
    expect(plain.status).toBe(201);
    expect(await customers()).toEqual([customer]); // found, and its details are not changed from a booking
    expect((await appointmentRows(plain.body.data.documentId))[0].customer?.documentId).toBe(
      customer.documentId
    );

    const eventsBefore = (await eventsOf({ subject: customer.documentId })).length;
    const withConsent = await book({
      contact: { name: 'Someone Else', email: 'karen.HOLM@example.COM' },
      consent: {
        locale: 'en',
        given: [],
        refused: ['storage'],
        versions: { storage: storageVersion },
      },
    });
    expect(withConsent.status).toBe(201);
    // Not recorded: anyone may type an address on a public page.
    expect(await eventsOf({ subject: customer.documentId })).toHaveLength(eventsBefore);
    const held = (await app.strapi.db.query(REQUEST).findMany({
      where: { subject: customer.documentId, kind: 'consent', origin: { $notNull: true } },
    })) as {
      origin: string;
      pending: { decisions: { purpose: string; decision: string }[] } | string;
    }[];
    expect(held).toHaveLength(1);
    expect(held[0].origin).toBe(`booking:${APPOINTMENT}:${withConsent.body.data.documentId}`);
    const pending =
      typeof held[0].pending === 'string' ? JSON.parse(held[0].pending) : held[0].pending;
    expect(pending.decisions).toEqual([
      expect.objectContaining({ purpose: 'storage', decision: 'refused' }),
    ]);

    // The answer does not tell a known address from a new one.
    expect(shapeOf(withConsent.body)).toEqual(newCustomerAnswer);
    expect(shapeOf(plain.body)).toEqual(newCustomerAnswer);
  });

  it('the public role cannot read customers (403) nor name one by document id: Strapi answers 400 and nothing is written', async () => {
    const [customer] = await customers();
    expect((await app.http().get('/api/customers')).status).toBe(403);
    expect((await app.http().get(`/api/customers/${customer.documentId}`)).status).toBe(403);
    expect((await app.http().get('/api/appointments')).status).toBe(403);

    const before = await counts();
    const named = await book({ customer: customer.documentId, consent: consentTo() });
    // Without find permission on the target, Strapi's input validation rejects the relation key.
    expect(named.status).toBe(400);
    expect(named.body.error).toMatchObject({
      name: 'ValidationError',
      message: 'Invalid key customer',
    });
    const connected = await book({ customer: { connect: [customer.documentId] } });
    expect(connected.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  describe('Draft & Publish on appointments', () => {
    it('a REST create publishes by default (a draft row and a published row) and records the consent once per purpose', async () => {
      const res = await book({
        contact: { name: 'Nils Berg', email: 'nils.berg@example.com', language: 'sv' },
        consent: consentTo('sv'),
      });
      expect(res.status).toBe(201);
      expect(res.body.data.publishedAt).toEqual(expect.any(String));

      const rows = await appointmentRows(res.body.data.documentId);
      expect(rows.map((r) => r.publishedAt === null).sort()).toEqual([false, true]);
      const customer = (await customers()).find((c) => c.mail === 'nils.berg@example.com');
      expect(customer).toMatchObject({ fullName: 'Nils Berg', lang: 'sv', mobile: null });
      for (const row of rows) expect(row.customer?.documentId).toBe(customer?.documentId);

      // The document middleware runs once for create-and-publish (the publish is internal to create).
      const events = await eventsOf({ bookingId: res.body.data.documentId });
      expect(events.map((e) => `${e.purposeKey}:${e.decision}`)).toEqual(['storage:given']);
      expect(events[0].subject).toBe(customer?.documentId);
    });

    it('?status=draft stores only a draft, with its customer and the consent recorded once', async () => {
      const res = await book(
        {
          contact: { name: 'Ida Lund', phone: '+46 70 123 45 67', language: 'en' },
          consent: consentTo('en'),
        },
        { status: 'draft' }
      );
      expect(res.status).toBe(201);
      expect(res.body.data.publishedAt).toBeNull();

      const rows = await appointmentRows(res.body.data.documentId);
      expect(rows).toHaveLength(1);
      const customer = (await customers()).find((c) => c.mobile === '+46701234567');
      expect(customer).toMatchObject({ fullName: 'Ida Lund', mail: null, lang: 'en' });
      expect(rows[0].customer?.documentId).toBe(customer?.documentId);

      const events = await eventsOf({ bookingId: res.body.data.documentId });
      expect(events.map((e) => `${e.purposeKey}:${e.decision}`)).toEqual(['storage:given']);
    });

    it('publishing the draft later records nothing more', async () => {
      const res = await book(
        { contact: { name: 'Ole Dahl', email: 'ole.dahl@example.com' }, consent: consentTo() },
        { status: 'draft' }
      );
      expect(res.status).toBe(201);
      await app.strapi.documents(APPOINTMENT).publish({ documentId: res.body.data.documentId });
      expect((await appointmentRows(res.body.data.documentId)).length).toBe(2);
      expect(await eventsOf({ bookingId: res.body.data.documentId })).toHaveLength(1);
    });
  });
});
