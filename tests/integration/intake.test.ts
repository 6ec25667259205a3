import { startApp, type TestApp } from '../helpers/app';
import {
  BOOKING,
  book,
  bookingToken,
  bookTrusted,
  clientByEmail,
  currentTexts,
  newContact,
} from '../helpers/booking';
import { auth, ledgerCounts, subjectConsent } from '../helpers/consent';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

/**
 * The plugin's public booking intake and who decides (docs/booking-intake.md): a booking
 * page names a client by contact details; decisions count at once only for a client this
 * booking created, a logged-in client, staff or a trusted server. For anyone else's
 * address they are held, sent to the address on file (a real SMTP server in this
 * process) and recorded only when the client confirms them through that link.
 */
let app: TestApp;
let smtp: TestSmtp;
const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startApp({
    env: { ...smtp.env, CONSENT_WORKER: 'false', CONSENT_RATE_LIMIT_MAX: '1000' },
  });
});
afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
});
afterEach(() => {
  if (app) clock().reset();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const service = <T = any>(name: string): T => app.strapi.plugin('consent').service(name) as T;
const clock = () => service('clock');
const drain = () => service('worker').drain();

const events = async (subject: string) =>
  (await app.strapi.db
    .query('plugin::consent.consent-event')
    .findMany({ where: { subject }, orderBy: { id: 'asc' } })) as {
    purposeKey: string;
    decision: string;
    explicit: boolean;
    channel: string;
    bookingId: string | null;
    requestId: string | null;
    userAgent: string | null;
    ip: string | null;
    actorType: string;
  }[];

const requestsOf = (subject: string) =>
  app.strapi.db.connection('consent_requests').where({ subject }).orderBy('id');

const pendingOf = async (subject: string) => {
  const res = await app
    .http()
    .get(`/consent/subjects/${subject}`)
    .set(auth(await app.adminToken()));
  expect(res.status).toBe(200);
  return res.body.data.pending as {
    request: string;
    status: string;
    booking: { documentId: string } | null;
    decisions: { purpose: string; decision: string }[];
  }[];
};

/** The path of the consent page link in a message. */
const linkIn = (text: string): string => {
  const match = text.match(/https?:\/\/[^\s/]+(\/api\/consent\/r\/[A-Za-z0-9_-]+)/);
  if (!match) throw new Error(`no /r/ link in: ${text}`);
  return match[1];
};

/** Submit the confirmation page as the browser shows it: its hidden fields and what is pre-chosen. */
const confirmAsShown = async (path: string, userAgent: string) => {
  const page = await app.http().get(path);
  expect(page.status).toBe(200);
  const form = new URLSearchParams();
  for (const m of page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    form.append(m[1], m[2]);
  for (const m of page.text.matchAll(
    /<input type="radio" id="[^"]+" name="([^"]+)" value="([^"]+)" checked>/g
  ))
    form.append(m[1], m[2]);
  for (const m of page.text.matchAll(
    /<input type="checkbox" id="[^"]+" name="([^"]+)" value="yes"[^>]* checked>/g
  ))
    form.append(m[1], 'yes');
  return {
    page,
    res: await app
      .http()
      .post(path)
      .type('form')
      .set('User-Agent', userAgent)
      .send(form.toString()),
  };
};

/** A client with valid consent to storage, registered by a trusted back-end. */
const validClient = async () => {
  const contact = newContact({ language: 'en' });
  expect((await bookTrusted(app, { contact, consent: { given: ['storage'] } })).status).toBe(201);
  return { contact, client: (await clientByEmail(app, contact.email)).documentId as string };
};

describe('an anonymous booking that names an existing client', () => {
  it('answers as for an unknown address, changes nothing stored, and holds the decisions for the client to confirm by link', async () => {
    const { contact, client } = await validClient();
    const before = await events(client);
    const texts = await currentTexts(app, 'en');
    const consent = {
      locale: 'en',
      refused: ['storage'],
      given: ['health'],
      explicit: ['health'],
      versions: { storage: texts.storage.version, health: texts.health.version },
    };
    const res = await book(app, {
      contact: { name: 'Someone Else', email: contact.email.toUpperCase() },
      consent,
    });
    const fresh = await book(app, { contact: newContact(), consent });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body.data).sort()).toEqual(Object.keys(fresh.body.data).sort());
    expect(JSON.stringify(res.body)).not.toContain(client);

    // Nothing in the client's name: the same events, still valid, no health consent.
    expect(await events(client)).toEqual(before);
    expect(await subjectConsent(app, client)).toMatchObject({ valid: true });
    // The booking is theirs, and staff see the decisions waiting.
    const booking = await app.strapi.db
      .query('api::booking.booking')
      .findOne({ where: { documentId: res.body.data.documentId }, populate: ['client'] });
    expect(booking.client.documentId).toBe(client);
    const pending = await pendingOf(client);
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({
      status: 'queued',
      booking: { documentId: res.body.data.documentId },
    });
    expect(pending[0].decisions.map((d) => `${d.purpose}:${d.decision}`).sort()).toEqual([
      'health:given',
      'storage:refused',
    ]);

    // The worker sends the confirmation to the address on file (not to the typed name).
    await drain();
    const mail = await smtp.waitFor((m) => m.to.includes(contact.email));
    expect(mail.subject).toMatch(/confirm/i);
    expect(mail.text).not.toContain('Someone Else');

    clock().advance(60_000);
    const { page, res: confirmed } = await confirmAsShown(
      linkIn(mail.text),
      'Mail-Browser/confirm'
    );
    expect(page.text).toMatch(/You made these choices when booking/);
    expect(confirmed.status).toBe(303);
    const after = (await events(client)).slice(before.length);
    expect(after.map((e) => `${e.purposeKey}:${e.decision}`).sort()).toEqual([
      'health:given',
      'storage:refused',
    ]);
    for (const event of after) {
      expect(event).toMatchObject({
        channel: 'email_link',
        actorType: 'subject',
        bookingId: res.body.data.documentId,
        requestId: pending[0].request,
        userAgent: 'Mail-Browser/confirm',
      });
      expect(event.ip).toEqual(expect.any(String));
    }
    expect(after.find((e) => e.purposeKey === 'health')?.explicit).toBe(true);
    expect(await subjectConsent(app, client)).toMatchObject({ valid: false, status: 'refused' });
    expect(await pendingOf(client)).toEqual([]);
  });

  it('lapses unconfirmed: the request expires and nothing is recorded in the client\'s name, not even "expired"', async () => {
    const { contact, client } = await validClient();
    const before = await events(client);
    expect(
      (
        await book(app, {
          contact: { name: 'x', email: contact.email },
          consent: { given: ['marketing'] },
        })
      ).status
    ).toBe(201);
    await drain();
    await smtp.waitFor((m) => m.to.includes(contact.email));
    clock().advance(8 * DAY);
    expect((await drain()).expired).toBeGreaterThanOrEqual(1);
    const rows = await requestsOf(client);
    expect(
      rows
        .filter((r: { origin: string | null }) => r.origin)
        .map((r: { status: string }) => r.status)
    ).toEqual(['expired']);
    expect(await events(client)).toEqual(before);
    expect(await pendingOf(client)).toEqual([]);
  });

  it('sends one message however often the client is named: later bookings merge into the open confirmation', async () => {
    const { contact, client } = await validClient();
    for (const consent of [
      { given: ['marketing'] },
      { refused: ['marketing'] },
      { given: ['marketing'], refused: ['storage'] },
    ]) {
      expect(
        (await book(app, { contact: { name: 'x', email: contact.email }, consent })).status
      ).toBe(201);
    }
    await drain();
    expect(
      (
        await book(app, {
          contact: { name: 'x', email: contact.email },
          consent: { refused: ['marketing'] },
        })
      ).status
    ).toBe(201);
    await drain();
    await smtp.waitFor((m) => m.to.includes(contact.email));
    expect(smtp.messagesTo(contact.email).filter((m) => /confirm/i.test(m.subject))).toHaveLength(
      1
    );
    const pending = await pendingOf(client);
    expect(pending).toHaveLength(1);
    expect(pending[0].decisions.map((d) => `${d.purpose}:${d.decision}`).sort()).toEqual([
      'marketing:refused',
      'storage:refused',
    ]);
  });

  it('bookings that name the same client at the same moment open one confirmation between them, every one answered 201', async () => {
    const { contact, client } = await validClient();
    const results = await Promise.all(
      ['marketing', 'health', 'storage', 'marketing', 'health', 'storage'].map((purpose, i) =>
        book(app, {
          contact: { name: `x${i}`, email: contact.email },
          consent:
            i % 2
              ? { refused: [purpose] }
              : { given: [purpose], explicit: purpose === 'health' ? ['health'] : [] },
        })
      )
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    const open = (await requestsOf(client)).filter(
      (r: { origin: string | null; status: string }) => r.origin && r.status === 'queued'
    );
    expect(open).toHaveLength(1);
    const pending = await pendingOf(client);
    expect(pending).toHaveLength(1);
    // One held decision per purpose named (the later booking's wins), none lost to a second request.
    expect(pending[0].decisions.map((d) => d.purpose).sort()).toEqual([
      'health',
      'marketing',
      'storage',
    ]);
  });

  it('holds them also for an API token the host does not trust; a trusted one decides at once', async () => {
    const { contact, client } = await validClient();
    const before = (await events(client)).length;
    const other = await bookingToken(app, 'some-other-integration');
    const res = await app
      .http()
      .post('/api/bookings')
      .set('Authorization', `Bearer ${other}`)
      .send({
        data: {
          ...BOOKING,
          contact: { name: 'x', email: contact.email },
          consent: { given: ['marketing'] },
        },
      });
    expect(res.status).toBe(201);
    expect(await events(client)).toHaveLength(before);
    expect(await pendingOf(client)).toHaveLength(1);

    expect((await bookTrusted(app, { contact, consent: { given: ['marketing'] } })).status).toBe(
      201
    );
    expect(
      (await events(client)).slice(before).map((e) => `${e.purposeKey}:${e.decision}:${e.channel}`)
    ).toEqual(['marketing:given:booking_page']);
  });
});

describe('a logged-in client', () => {
  it('decides at once for their own client through the booking page, whatever contact is typed', async () => {
    const role = await app.strapi.db
      .query('plugin::users-permissions.role')
      .findOne({ where: { type: 'authenticated' } });
    await app.strapi.db
      .query('plugin::users-permissions.permission')
      .create({ data: { action: 'api::booking.booking.create', role: role.id } });
    const { client } = await validClient();
    const register = await app.http().post('/api/auth/local/register').send({
      username: 'intake-user',
      email: 'intake.user@example.com',
      password: 'Intake-pass-2026',
    });
    expect(register.status).toBe(200);
    await app.strapi
      .documents('api::client.client')
      .update({ documentId: client, data: { user: register.body.user.id } as never });
    const before = (await events(client)).length;

    const res = await app
      .http()
      .post('/api/bookings')
      .set('Authorization', `Bearer ${register.body.jwt}`)
      .send({
        data: {
          ...BOOKING,
          contact: { name: 'Me', email: 'typed.differently@example.com' },
          consent: { given: ['marketing'] },
        },
      });
    expect(res.status).toBe(201);
    expect(
      (await events(client)).slice(before).map((e) => `${e.purposeKey}:${e.decision}`)
    ).toEqual(['marketing:given']);
    expect(await clientByEmail(app, 'typed.differently@example.com')).toBeNull();
  });
});

describe('double opt-in', () => {
  afterAll(async () => {
    const token = await app.adminToken();
    await app
      .http()
      .put('/consent/purposes/marketing')
      .set(auth(token))
      .send({ doubleOptIn: false });
    await app.http().put('/consent/settings').set(auth(token)).send({ informationMail: false });
  });

  it('a new client: consent to a double opt-in purpose, and the information mail, wait for the link; the rest counts at once', async () => {
    const token = await app.adminToken();
    expect(
      (
        await app
          .http()
          .put('/consent/purposes/marketing')
          .set(auth(token))
          .send({ doubleOptIn: true })
      ).status
    ).toBe(200);
    expect(
      (await app.http().put('/consent/settings').set(auth(token)).send({ informationMail: true }))
        .status
    ).toBe(200);

    const contact = newContact({ language: 'en' });
    expect(
      (await book(app, { contact, consent: { given: ['storage', 'marketing'] } })).status
    ).toBe(201);
    const client = (await clientByEmail(app, contact.email)).documentId as string;
    expect((await events(client)).map((e) => `${e.purposeKey}:${e.decision}`)).toEqual([
      'storage:given',
    ]);
    const information = async () =>
      (await requestsOf(client)).filter((r: { kind: string }) => r.kind === 'information')[0] as {
        status: string;
        held: unknown;
      };
    expect(await information()).toMatchObject({ status: 'queued' });
    expect(Boolean((await information()).held)).toBe(true);

    await drain();
    const mail = await smtp.waitFor((m) => m.to.includes(contact.email));
    expect(mail.subject).toMatch(/confirm/i);
    expect(smtp.messagesTo(contact.email)).toHaveLength(1);

    const { res } = await confirmAsShown(linkIn(mail.text), 'Mail-Browser/doi');
    expect(res.status).toBe(303);
    expect((await events(client)).map((e) => `${e.purposeKey}:${e.decision}`)).toEqual([
      'storage:given',
      'marketing:given',
    ]);
    expect(Boolean((await information()).held)).toBe(false);
    await drain();
    await smtp.waitFor((m) => m.to.includes(contact.email) && !/confirm/i.test(m.subject));
    expect(smtp.messagesTo(contact.email)).toHaveLength(2);
  });
});

describe('the intake without any read permission on clients', () => {
  it('keeps /api/clients closed to the public role', async () => {
    const { client } = await validClient();
    expect((await app.http().get('/api/clients')).status).toBe(403);
    expect((await app.http().get(`/api/clients/${client}`)).status).toBe(403);
    // Naming a client by id from the public page is not possible either.
    const res = await book(app, { client });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it("refuses malformed input with a 4xx in Strapi's error shape and writes nothing", async () => {
    const counts = async () => ({
      ...(await ledgerCounts(app.strapi)),
      bookings: await app.strapi.db.query('api::booking.booking').count({}),
      clients: await app.strapi.db.query('api::client.client').count({}),
      requests: await app.strapi.db.query('plugin::consent.consent-request').count({}),
    });
    const contact = newContact();
    const cases: [string, unknown][] = [
      ['contact is a string', { ...BOOKING, contact: 'maja@example.com' }],
      ['a number as name', { ...BOOKING, contact: { name: 123, email: contact.email } }],
      ['not an email', { ...BOOKING, contact: { name: 'x', email: 'not-an-email' } }],
      ['an unknown key', { ...BOOKING, contact: { ...contact, isAdmin: true } }],
      ['no email and no phone', { ...BOOKING, contact: { name: 'x' } }],
      ['a letter phone', { ...BOOKING, contact: { name: 'x', phone: 'call me' } }],
      ['an unknown language', { ...BOOKING, contact: { ...contact, language: 'xx' } }],
      ['a NUL in the name', { ...BOOKING, contact: { ...contact, name: 'Maja\u0000Berg' } }],
      ['a 1 MB name', { ...BOOKING, contact: { ...contact, name: 'a'.repeat(1024 * 1024) } }],
      [
        '5,000 purpose keys',
        {
          ...BOOKING,
          contact,
          consent: { given: Array.from({ length: 5000 }, (_, i) => `p${i}`) },
        },
      ],
      [
        'a constructor key',
        { ...BOOKING, contact: { ...contact, constructor: { prototype: { x: 1 } } } },
      ],
      ['contact and client', { ...BOOKING, contact, client: 'abc' }],
      ['an array as consent', { ...BOOKING, contact, consent: [] }],
    ];
    const before = await counts();
    for (const [what, data] of cases) {
      const res = await app.http().post('/api/bookings').send({ data });
      expect([what, res.status >= 400 && res.status < 500]).toEqual([what, true]);
      expect([what, res.body?.error?.status]).toEqual([what, res.status]);
    }
    // __proto__ only survives in raw JSON.
    for (const raw of [
      `{"data":{"startsAt":"${BOOKING.startsAt}","service":"x","contact":{"name":"x","email":"${contact.email}","__proto__":{"polluted":true}}}}`,
      `{"data":{"startsAt":"${BOOKING.startsAt}","service":"x","contact":{"name":"x","email":"${contact.email}"},"consent":{"versions":{"__proto__":"1.0"}}}}`,
    ]) {
      const res = await app
        .http()
        .post('/api/bookings')
        .set('Content-Type', 'application/json')
        .send(raw);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
    expect(await counts()).toEqual(before);
  });
});
