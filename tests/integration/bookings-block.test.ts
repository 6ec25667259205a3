import fc from 'fast-check';
import type { Response } from 'supertest';
import { startApp, type TestApp } from '../helpers/app';
import { book, bookTrusted, clientByEmail, currentTexts, newContact } from '../helpers/booking';
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
  requests: await app.strapi.db.query('plugin::consent.consent-request').count({}),
});

/**
 * What an anonymous caller can observe of an answer: status, body and headers. `date` and
 * `x-response-time` are the clock and the stopwatch, not the answer.
 */
const observed = (res: Response) => {
  const {
    date: _date,
    'x-response-time': _time,
    ...headers
  } = res.headers as Record<string, string>;
  return { status: res.status, body: res.text, headers };
};

describe('requirement "block" on the public booking page: judged on the request alone', () => {
  it('refuses a booking without consent to every required purpose: 400 naming them as not given, nothing stored', async () => {
    const before = await counts();
    const res = await book(app, { contact: newContact(), consent: { given: ['marketing'] } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      data: null,
      error: {
        status: 400,
        name: 'ValidationError',
        details: { missing: [{ purpose: 'storage', status: 'not_given' }] },
      },
    });
    expect(await counts()).toEqual(before);

    const none = await book(app, { contact: newContact() });
    expect(none.status).toBe(400);
    expect(none.body.error.details.missing).toEqual([{ purpose: 'storage', status: 'not_given' }]);
    expect(await counts()).toEqual(before);
  });

  it('accepts it once the request gives every required purpose; a later booking without them is refused again, whatever is stored', async () => {
    const contact = newContact();
    expect((await book(app, { contact, consent: { given: ['storage'] } })).status).toBe(201);
    expect(await clientByEmail(app, contact.email)).not.toBeNull();
    // The client now has valid consent, but an anonymous page cannot show that: the same 400 as for anyone.
    const next = await book(app, { contact });
    expect(next.status).toBe(400);
    expect(next.body.error.details.missing).toEqual([{ purpose: 'storage', status: 'not_given' }]);
  });

  it('does not let an optional purpose decide: storage given and marketing refused is accepted', async () => {
    const res = await book(app, {
      contact: newContact(),
      consent: { given: ['storage'], refused: ['marketing'] },
    });
    expect(res.status).toBe(201);
  });

  it('answers byte for byte the same for a known and an unknown address (status, body, headers)', async () => {
    const texts = await currentTexts(app, 'en');
    // Known clients in every state the old answer used to reveal: valid, refused, outdated-to-be.
    const known = [newContact(), newContact(), newContact()];
    expect(
      (await bookTrusted(app, { contact: known[0], consent: { given: ['storage'] } })).status
    ).toBe(201);
    const createClient = async (c: { name: string; email: string }) =>
      (
        await app.strapi
          .documents('api::client.client')
          .create({ data: { name: c.name, email: c.email, language: 'da' } as never })
      ).documentId;
    // A client who refused storage at the desk, and one who never decided.
    await app.strapi
      .plugin('consent')
      .service('ledger')
      .record({
        subject: await createClient(known[1]),
        decisions: [{ purpose: 'storage', decision: 'refused' }],
        channel: 'in_person',
        actor: { type: 'admin', name: 'Desk' },
      });
    await createClient(known[2]);

    const consent = fc.record(
      {
        given: fc.subarray(['storage', 'marketing', 'health']),
        refused: fc.subarray(['marketing']),
        explicit: fc.subarray(['health']),
        versions: fc.constantFrom({}, { storage: texts.storage.version }, { storage: '0.9' }),
        locale: fc.constantFrom('en', 'da'),
      },
      { requiredKeys: ['given'] }
    );
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: known.length - 1 }), consent, async (which, input) => {
        // The same request (same name, same input) with a known and with an unknown address.
        const unknown = newContact({ name: known[which].name, language: known[which].language });
        const before = await counts();
        const a = await book(app, {
          contact: { ...known[which], email: known[which].email.toUpperCase() },
          consent: input,
        });
        const b = await book(app, { contact: unknown, consent: input });
        expect(a.status).toBe(b.status);
        if (a.status === 201) {
          // Each is a new booking (its own id and times); what it holds and how it is sent are the same.
          expect(Object.keys(a.body.data).sort()).toEqual(Object.keys(b.body.data).sort());
          expect(a.body.data.service).toBe(b.body.data.service);
          expect(Object.keys(a.headers).sort()).toEqual(Object.keys(b.headers).sort());
        } else {
          expect(observed(a)).toEqual(observed(b));
          expect(await counts()).toEqual(before);
        }
      }),
      { numRuns: 25 }
    );
  });
});

describe('requirement "block" for a caller who decides for the client: the stored consent counts', () => {
  it('a valid client of a trusted booking back-end books without consent input; an outdated one is refused until they consent again', async () => {
    const contact = newContact();
    expect((await bookTrusted(app, { contact, consent: { given: ['storage'] } })).status).toBe(201);
    expect((await bookTrusted(app, { contact })).status).toBe(201);

    await app.strapi
      .plugin('consent')
      .service('texts')
      .publish('storage', {
        changeKind: 'substantive',
        bodies: { en: { title: 'Storage', text: 'v3' }, da: { title: 'Opbevaring', text: 'v3' } },
      });
    const refused = await bookTrusted(app, { contact });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.missing).toEqual([
      { purpose: 'storage', status: 'outdated' },
    ]);
    expect((await bookTrusted(app, { contact, consent: { given: ['storage'] } })).status).toBe(201);
  });
});
