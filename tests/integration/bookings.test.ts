import { startApp, type TestApp } from '../helpers/app';
import { bookTrusted, book, clientByEmail, currentTexts, newContact } from '../helpers/booking';
import { auth, bodies, ledgerCounts, publishVersion, subjectConsent } from '../helpers/consent';

let app: TestApp;
beforeAll(async () => {
  app = await startApp(); // the demo's default requirement: warn
});
afterAll(async () => {
  await app?.stop();
});

const bookingCount = () => app.strapi.db.query('api::booking.booking').count({});
const clientCount = () => app.strapi.db.query('api::client.client').count({});

describe('a booking with consent (requirement "warn")', () => {
  it('records one event per decision with channel, version, hash, IP, user agent and booking id; the client becomes valid', async () => {
    const texts = await currentTexts(app, 'da');
    const contact = newContact();
    const heard: string[] = [];
    const listener = async (payload: unknown) => {
      heard.push((payload as { purpose: string }).purpose);
    };
    app.strapi.eventHub.on('consent.given', listener);

    const res = await book(app, {
      contact,
      consent: {
        locale: 'da',
        given: ['storage', 'health'],
        refused: ['marketing'],
        explicit: ['health'],
        versions: {
          storage: texts.storage.version,
          marketing: texts.marketing.version,
          health: texts.health.version,
        },
      },
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body.data).sort()).toEqual([
      'createdAt',
      'documentId',
      'id',
      'publishedAt',
      'service',
      'startsAt',
      'updatedAt',
    ]);

    const client = await clientByEmail(app, contact.email);
    const events = await app.strapi.db
      .query('plugin::consent.consent-event')
      .findMany({ where: { subject: client.documentId }, orderBy: { id: 'asc' } });
    expect(
      events.map((e: { purposeKey: string; decision: string }) => `${e.purposeKey}:${e.decision}`)
    ).toEqual(['storage:given', 'health:given', 'marketing:refused']);
    for (const event of events) {
      expect(event).toMatchObject({
        channel: 'booking_page',
        actorType: 'subject',
        bookingId: res.body.data.documentId,
        userAgent: 'BookingPage/2.0 (test)',
        textLocale: 'da',
        source: 'booking:api::booking.booking',
      });
      expect(event.ip).toMatch(/127\.0\.0\.1|::1/);
      expect(event.textHash).toBe(texts[event.purposeKey].sha256);
      expect(event.textVersion).toBe(texts[event.purposeKey].version);
    }
    expect(events.find((e: { purposeKey: string }) => e.purposeKey === 'health').explicit).toBe(
      true
    );
    expect(await subjectConsent(app, client.documentId)).toMatchObject({ valid: true });
    expect(heard).toEqual(expect.arrayContaining(['storage', 'health']));
    app.strapi.eventHub.removeListener('consent.given', listener);

    const check = await app
      .http()
      .get(`/consent/bookings/api::booking.booking/${res.body.data.documentId}/check`)
      .set(auth(await app.adminToken()));
    expect(check.body.data).toMatchObject({ valid: true, missing: [] });
  });

  it('after a substantive change the client is no longer valid; the next booking with the new version makes them valid again', async () => {
    const contact = newContact();
    const first = await currentTexts(app);
    expect(
      (
        await book(app, {
          contact,
          consent: { given: ['storage'], versions: { storage: first.storage.version } },
        })
      ).status
    ).toBe(201);
    const client = (await clientByEmail(app, contact.email)).documentId;
    expect((await subjectConsent(app, client)).valid).toBe(true);

    expect(
      (
        await publishVersion(app, 'storage', {
          changeKind: 'substantive',
          bodies: bodies('photos too'),
        })
      ).status
    ).toBe(201);
    expect(await subjectConsent(app, client)).toMatchObject({ valid: false, status: 'outdated' });

    const clients = await clientCount();
    const again = await currentTexts(app);
    // From a booking back-end the host trusts: a returning client's decisions count at once
    // (from an anonymous page they would wait for the client's confirmation: intake.test.ts).
    const res = await bookTrusted(app, {
      contact,
      consent: { given: ['storage'], versions: { storage: again.storage.version } },
    });
    expect(res.status).toBe(201);
    expect(await clientCount()).toBe(clients); // matched by email, not created again
    expect(await subjectConsent(app, client)).toMatchObject({ valid: true });
  });

  it('a stale version gets a 409 and nothing is stored: no booking, no client, no event', async () => {
    await publishVersion(app, 'storage', {
      changeKind: 'substantive',
      bodies: bodies('another change'),
    });
    const before = {
      ...(await ledgerCounts(app.strapi)),
      bookings: await bookingCount(),
      clients: await clientCount(),
    };
    const res = await book(app, {
      contact: newContact(),
      consent: { given: ['storage'], versions: { storage: '1.0' } },
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      data: null,
      error: {
        status: 409,
        name: 'StaleVersionError',
        details: { stale: [{ purpose: 'storage', version: '1.0' }] },
      },
    });
    expect({
      ...(await ledgerCounts(app.strapi)),
      bookings: await bookingCount(),
      clients: await clientCount(),
    }).toEqual(before);
  });

  it('an editorial change meanwhile is accepted', async () => {
    const shown = await currentTexts(app);
    await publishVersion(app, 'storage', { changeKind: 'editorial', bodies: bodies('comma') });
    const res = await book(app, {
      contact: newContact(),
      consent: { given: ['storage'], versions: { storage: shown.storage.version } },
    });
    expect(res.status).toBe(201);
  });

  it('without consent the booking is stored and marked: the admin sees the missing purposes', async () => {
    const contact = newContact();
    const res = await book(app, { contact });
    expect(res.status).toBe(201);
    const check = await app
      .http()
      .get(`/consent/bookings/api::booking.booking/${res.body.data.documentId}/check`)
      .set(auth(await app.adminToken()));
    expect(check.status).toBe(200);
    expect(check.body.data).toMatchObject({
      valid: false,
      missing: [{ purpose: 'storage', status: 'missing' }],
    });
    const client = (await clientByEmail(app, contact.email)).documentId;
    expect(await subjectConsent(app, client)).toMatchObject({ valid: false, status: 'missing' });
  });

  it('an optional purpose is never required: refusing marketing still gives a valid booking', async () => {
    const res = await book(app, {
      contact: newContact(),
      consent: { given: ['storage'], refused: ['marketing', 'health'] },
    });
    expect(res.status).toBe(201);
    const check = await app
      .http()
      .get(`/consent/bookings/api::booking.booking/${res.body.data.documentId}/check`)
      .set(auth(await app.adminToken()));
    expect(check.body.data).toMatchObject({ valid: true });
  });

  it('a failure after the events are written rolls back booking, client and events', async () => {
    const before = {
      ...(await ledgerCounts(app.strapi)),
      bookings: await bookingCount(),
      clients: await clientCount(),
    };
    const unsubscribe = app.strapi.db.lifecycles.subscribe({
      models: ['plugin::consent.consent-event'],
      afterCreate() {
        throw new Error('injected failure after the event insert');
      },
    });
    try {
      const res = await book(app, { contact: newContact(), consent: { given: ['storage'] } });
      expect(res.status).toBe(500);
    } finally {
      (unsubscribe as unknown as () => void)();
    }
    expect({
      ...(await ledgerCounts(app.strapi)),
      bookings: await bookingCount(),
      clients: await clientCount(),
    }).toEqual(before);
  });

  it('malformed consent input gets a 4xx and nothing is stored', async () => {
    const before = {
      ...(await ledgerCounts(app.strapi)),
      bookings: await bookingCount(),
      clients: await clientCount(),
    };
    const mb = 'x'.repeat(1024 * 1024);
    const cases: unknown[] = [
      'storage',
      { given: 'storage' },
      { given: [1, 2] },
      { given: ['nope'] },
      { given: ['service'] }, // contract: not a consent purpose
      { given: ['health'] }, // special category without the explicit tick
      { given: ['storage'], refused: ['storage'] },
      { given: Array.from({ length: 5000 }, () => 'storage') },
      { given: [mb] },
      { given: ['storage'], locale: mb },
      { given: ['storage'], versions: { storage: 'latest' } },
      { given: ['storage'], versions: { storage: '99.0' } },
      { given: ['storage'], admin: true },
    ];
    for (const consent of cases) {
      const res = await book(app, { contact: newContact(), consent });
      const label = JSON.stringify(consent).slice(0, 60);
      expect([label, res.status >= 400 && res.status < 500]).toEqual([label, true]);
      expect(res.body).toMatchObject({ data: null, error: { status: res.status } });
    }
    expect({
      ...(await ledgerCounts(app.strapi)),
      bookings: await bookingCount(),
      clients: await clientCount(),
    }).toEqual(before);
  });

  it('the response never reveals whether the email belonged to a client', async () => {
    const existing = await app.strapi.db
      .query('api::client.client')
      .findOne({ where: { email: { $notNull: true } } });
    const known = await book(app, { contact: { name: 'Someone', email: existing.email } });
    const unknown = await book(app, { contact: newContact() });
    expect(known.status).toBe(unknown.status);
    expect(Object.keys(known.body.data).sort()).toEqual(Object.keys(unknown.body.data).sort());
    expect(JSON.stringify(known.body)).not.toContain(existing.email);
    const after = await app.strapi.db
      .query('api::client.client')
      .findOne({ where: { id: existing.id } });
    expect(after.name).toBe(existing.name); // an anonymous booking never changes a client's details
  });

  it('updating a booking with consent records it; deleting the booking leaves the proof', async () => {
    const contact = newContact();
    const created = await book(app, { contact });
    const bookingId = created.body.data.documentId;
    const client = (await clientByEmail(app, contact.email)).documentId;

    await app.strapi.documents('api::booking.booking').update({
      documentId: bookingId,
      data: { service: 'Colouring', consent: { given: ['storage'] } } as never,
    });
    expect(await subjectConsent(app, client)).toMatchObject({ valid: true });
    const token = await app.adminToken();
    const check = await app
      .http()
      .get(`/consent/bookings/api::booking.booking/${bookingId}/check`)
      .set(auth(token));
    expect(check.body.data).toMatchObject({ valid: true });

    await app.strapi.documents('api::booking.booking').delete({ documentId: bookingId });
    const events = await app.strapi.db
      .query('plugin::consent.consent-event')
      .findMany({ where: { bookingId } });
    expect(events).toHaveLength(1);
    expect(await subjectConsent(app, client)).toMatchObject({ valid: true });
    const gone = await app
      .http()
      .get(`/consent/bookings/api::booking.booking/${bookingId}/check`)
      .set(auth(token));
    expect(gone.body.data).toBeNull();
  });
});

describe('prepared statements (PostgreSQL)', () => {
  /** The statements a booking with consent sends, with the prepared-statement name knex passes to node-postgres. */
  const statementsOfBooking = async (consent: boolean) => {
    const texts = await currentTexts(app, 'en');
    const seen: { sql: string; name?: string }[] = [];
    const listener = (q: { sql: string; options?: { name?: string } }) =>
      seen.push({ sql: q.sql, name: q.options?.name });
    app.strapi.db.connection.client.on('query', listener);
    try {
      const res = await book(app, {
        contact: newContact(),
        ...(consent
          ? {
              consent: {
                locale: 'en',
                given: ['storage'],
                refused: ['marketing'],
                versions: { storage: texts.storage.version, marketing: texts.marketing.version },
              },
            }
          : {}),
      });
      expect(res.status).toBe(201);
    } finally {
      app.strapi.db.connection.client.off('query', listener);
    }
    return seen;
  };
  const isPostgres = () => String(app.strapi.db.dialect.client).includes('postgres');

  it('names the plugin statements of a booking on PostgreSQL, one name per text, and not when switched off', async () => {
    const config = app.strapi.plugin('consent').service('config').get() as {
      database: { preparedStatements: boolean };
    };
    const first = await statementsOfBooking(true);
    const second = await statementsOfBooking(true);
    const named = (list: { sql: string; name?: string }[]) => list.filter((q) => q.name);
    if (!isPostgres()) {
      expect(named(first)).toEqual([]);
      return;
    }
    // The intake limit's count, then a new client's first decisions in one statement (the returning
    // client's two: first-decisions.test.ts).
    const LIMIT = 'with updated as (update consen';
    expect(named(first).map((q) => q.sql.slice(0, 30).toLowerCase())).toEqual([
      LIMIT,
      'with consent_ok as (select 1 f',
    ]);
    for (const q of named(first)) expect(q.name).toMatch(/^consent_[0-9a-f]{24}$/);
    // The same texts get the same names: the second booking reuses the statements PostgreSQL prepared.
    expect(named(second)).toEqual(named(first));
    // Host statements are never named: without consent, only the limit's count is.
    expect(
      named(await statementsOfBooking(false)).map((q) => q.sql.slice(0, 30).toLowerCase())
    ).toEqual([LIMIT]);

    config.database.preparedStatements = false;
    try {
      expect(named(await statementsOfBooking(true))).toEqual([]);
    } finally {
      config.database.preparedStatements = true;
    }
  });
});

describe('GET /api/consent/texts is cacheable', () => {
  it('answers 304 to a matching If-None-Match, and a new version changes the ETag', async () => {
    const first = await app.http().get('/api/consent/texts').query({ locale: 'sv' });
    const etag = first.headers.etag;
    expect(etag).toMatch(/^".+"$/);
    const again = await app
      .http()
      .get('/api/consent/texts')
      .query({ locale: 'sv' })
      .set('If-None-Match', etag);
    expect(again.status).toBe(304);
    const other = await app.http().get('/api/consent/texts').query({ locale: 'en' });
    expect(other.headers.etag).not.toBe(etag);
    await publishVersion(app, 'marketing', {
      changeKind: 'editorial',
      bodies: bodies('new wording'),
    });
    const changed = await app
      .http()
      .get('/api/consent/texts')
      .query({ locale: 'sv' })
      .set('If-None-Match', etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });
});

describe('where the consent input may sit', () => {
  it('accepts consent beside data, as the OpenAPI document shows it, and refuses it in both places', async () => {
    const contact = newContact();
    const res = await app
      .http()
      .post('/api/bookings')
      .send({
        data: { startsAt: '2026-12-20T10:00:00.000Z', service: 'Manicure', contact },
        consent: { given: ['storage'] },
      });
    expect(res.status).toBe(201);
    const client = (await clientByEmail(app, contact.email)).documentId;
    expect(await subjectConsent(app, client)).toMatchObject({ valid: true });

    const before = await ledgerCounts(app.strapi);
    const twice = await app
      .http()
      .post('/api/bookings')
      .send({
        data: {
          startsAt: '2026-12-20T10:00:00.000Z',
          service: 'Manicure',
          contact: newContact(),
          consent: { given: ['storage'] },
        },
        consent: { given: ['storage'] },
      });
    expect(twice.status).toBe(400);
    expect(await ledgerCounts(app.strapi)).toEqual(before);
  });
});
