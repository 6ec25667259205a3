import { startApp, type TestApp } from '../helpers/app';
import { book, clientByEmail, newContact } from '../helpers/booking';
import { ledgerCounts } from '../helpers/consent';

let app: TestApp;
beforeAll(async () => {
  app = await startApp({ env: { CONSENT_BOOKING_REQUIREMENT: 'block' } });
});
afterAll(async () => {
  await app?.stop();
  delete process.env.CONSENT_BOOKING_REQUIREMENT;
});

const counts = async () => ({
  ...(await ledgerCounts(app.strapi)),
  bookings: await app.strapi.db.query('api::booking.booking').count({}),
  clients: await app.strapi.db.query('api::client.client').count({}),
});

describe('requirement "block"', () => {
  it('refuses a booking without the required consent with a 400 listing the missing purposes, and stores nothing', async () => {
    const before = await counts();
    const res = await book(app, { contact: newContact(), consent: { given: ['marketing'] } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      data: null,
      error: { status: 400, name: 'ValidationError', details: { missing: [{ purpose: 'storage', status: 'missing' }] } },
    });
    expect(await counts()).toEqual(before);

    const none = await book(app, { contact: newContact() });
    expect(none.status).toBe(400);
    expect(none.body.error.details.missing).toEqual([{ purpose: 'storage', status: 'missing' }]);
    expect(await counts()).toEqual(before);
  });

  it('accepts the booking once the required consent comes with it; later bookings of a valid client need nothing', async () => {
    const contact = newContact();
    const res = await book(app, { contact, consent: { given: ['storage'] } });
    expect(res.status).toBe(201);
    const client = await clientByEmail(app, contact.email);
    expect(client).not.toBeNull();
    const next = await book(app, { contact });
    expect(next.status).toBe(201);
  });

  it('does not let an optional purpose decide: storage given and marketing refused is accepted', async () => {
    const res = await book(app, { contact: newContact(), consent: { given: ['storage'], refused: ['marketing'] } });
    expect(res.status).toBe(201);
  });

  it('refuses an outdated client until they consent to the new version', async () => {
    const contact = newContact();
    expect((await book(app, { contact, consent: { given: ['storage'] } })).status).toBe(201);
    await app.strapi.plugin('consent').service('texts').publish('storage', {
      changeKind: 'substantive',
      bodies: { en: { title: 'Storage', text: 'v3' }, da: { title: 'Opbevaring', text: 'v3' } },
    });
    const refused = await book(app, { contact });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.missing).toEqual([{ purpose: 'storage', status: 'outdated' }]);
    expect((await book(app, { contact, consent: { given: ['storage'] } })).status).toBe(201);
  });
});
