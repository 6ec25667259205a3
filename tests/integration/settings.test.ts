import { startApp, type TestApp } from '../helpers/app';
import { book, clientByEmail, newContact } from '../helpers/booking';
import { auth, createClient } from '../helpers/consent';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

/** Settings of requests and messages, the test mail, the information mail, and the published-text guard. */
let app: TestApp;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startApp({ env: { ...smtp.env, CONSENT_WORKER: 'false' } });
});
afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
});

const DAY = 24 * 60 * 60 * 1000;
const worker = () => app.strapi.plugin('consent').service('worker');
const get = async () =>
  app
    .http()
    .get('/consent/settings')
    .set(auth(await app.adminToken()));
const put = async (body: unknown) =>
  app
    .http()
    .put('/consent/settings')
    .set(auth(await app.adminToken()))
    .send(body as object);

describe('settings', () => {
  it('start from the plugin config: TTL, reminder, channels, templates for every locale', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      requestTtlDays: 7,
      reminderDaysBeforeExpiry: 2,
      channels: { email: true },
      informationMail: false,
    });
    expect(Object.keys(res.body.data.templates).sort()).toEqual(['da', 'en', 'sv']);
    expect(res.body.data.templates.da.request.sms).toContain('{{link}}');
  });

  it.each([
    ['a TTL of 0', { requestTtlDays: 0 }],
    ['an unknown field', { colour: 'red' }],
    ['a reminder not before expiry', { requestTtlDays: 3, reminderDaysBeforeExpiry: 3 }],
    [
      'an SMS template without the link',
      {
        templates: {
          en: {
            request: { subject: 's', body: 'b', sms: 'no link' },
            reminder: { subject: 's', body: 'b', sms: '{{link}}' },
            information: { subject: 's', body: 'b', sms: '{{link}}' },
          },
        },
      },
    ],
    ['a channel that is not a boolean', { channels: { email: 'yes', sms: false } }],
  ])('refuse %s with a 400 and store nothing', async (_name, body) => {
    const before = (await get()).body.data;
    const res = await put(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ data: null, error: { status: 400, name: 'ValidationError' } });
    expect((await get()).body.data).toEqual(before);
  });

  it('apply to the next request: TTL and the edited template', async () => {
    const current = (await get()).body.data;
    const res = await put({
      requestTtlDays: 10,
      sender: { ...current.sender, organisation: 'Salon <Nord>' },
      templates: {
        en: {
          ...current.templates.en,
          request: { ...current.templates.en.request, subject: 'Please answer, {{name}}' },
        },
      },
    });
    expect(res.status).toBe(200);
    const client = await createClient(app.strapi, { name: 'Ann <b>', language: 'en' });
    const asked = await app
      .http()
      .post(`/consent/subjects/${client}/requests`)
      .set(auth(await app.adminToken()))
      .send({});
    await worker().drain();
    const row = await app.strapi.db
      .connection('consent_requests')
      .where('document_id', asked.body.data.documentId)
      .first();
    expect(new Date(row.expires_at).getTime() - new Date(row.sent_at).getTime()).toBe(10 * DAY);
    const email = (await app.strapi
      .documents('api::client.client')
      .findOne({ documentId: client }))!.email as string;
    const mail = await smtp.waitFor((m) => m.to.includes(email));
    expect(mail.subject).toBe('Please answer, Ann <b>');
    expect(mail.html).toContain('Salon &lt;Nord&gt;');
    expect(mail.html).not.toContain('<b>');
    await put({ requestTtlDays: 7 });
  });

  it('send a test mail; a bad address is a 400', async () => {
    const ok = await app
      .http()
      .post('/consent/settings/test-email')
      .set(auth(await app.adminToken()))
      .send({ to: 'desk@example.com' });
    expect(ok.status).toBe(200);
    const mail = await smtp.waitFor((m) => m.to.includes('desk@example.com'));
    expect(mail.subject).toMatch(/^\[Test\]/);
    const bad = await app
      .http()
      .post('/consent/settings/test-email')
      .set(auth(await app.adminToken()))
      .send({ to: 'not an address' });
    expect(bad.status).toBe(400);
  });
});

describe('information mail (GDPR Art. 13)', () => {
  it('goes to every new client when switched on: created by staff or by a booking, through the queue', async () => {
    expect((await put({ informationMail: true })).status).toBe(200);
    const byStaff = await createClient(app.strapi);
    const contact = newContact();
    expect((await book(app, { contact })).status).toBe(201);
    const byBooking = (await clientByEmail(app, contact.email as string)).documentId;
    for (const subject of [byStaff, byBooking]) {
      const rows = await app.strapi.db.connection('consent_requests').where({ subject });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ kind: 'information', status: 'queued' });
    }
    await worker().drain();
    const mail = await smtp.waitFor((m) => m.to.includes(contact.email as string));
    expect(mail.text).toContain('/api/consent/m/');
    expect(mail.text).not.toContain('/api/consent/r/');
    const row = await app.strapi.db
      .connection('consent_requests')
      .where({ subject: byBooking })
      .first();
    expect(row).toMatchObject({ status: 'sent', expires_at: null });
    // The link opens the preference page.
    const path = (
      mail.text.match(/https?:\/\/[^\s/]+(\/api\/consent\/m\/[A-Za-z0-9_-]+)/) as RegExpMatchArray
    )[1];
    expect((await app.http().get(path)).status).toBe(200);
    await put({ informationMail: false });
    const quiet = await createClient(app.strapi);
    expect(
      await app.strapi.db.connection('consent_requests').where({ subject: quiet })
    ).toHaveLength(0);
  });
});

describe('the information mail says what is processed on which basis, and what the client chose', () => {
  it('a new client who consented to storage only: storage with consent, the contract purpose on its basis, marketing and health theirs to choose', async () => {
    expect((await put({ informationMail: true })).status).toBe(200);
    const contact = newContact({ language: 'en' });
    const booked = await book(app, {
      contact,
      consent: { given: ['storage'], refused: ['marketing'] },
    });
    expect(booked.status).toBe(201);
    await worker().drain();
    const mail = await smtp.waitFor((m) => m.to.includes(contact.email as string));
    expect(mail.text).toContain('What we use your contact details and bookings for, and why:');
    expect(mail.text).toContain(
      '- Storage of personal data: with your consent, which you can withdraw at any time'
    );
    expect(mail.text).toContain('- Sales and service: to deliver what you book or buy (contract)');
    expect(mail.text).toContain(
      '- News and offers: only with your consent, which you have not given: yours to choose'
    );
    expect(mail.text).toMatch(/- [^\n]+: only with your consent, which you have not given/);
    // Not a word that the data is kept for purposes the client did not agree to.
    expect(mail.text).not.toMatch(/News and offers: with your consent/);
    expect(mail.html).toContain('<li>Storage of personal data: with your consent');
    await put({ informationMail: false });
  });
});

describe('requests need a published text', () => {
  it('refuses to queue while no consent purpose has a published text', async () => {
    const token = await app.adminToken();
    const consentPurposes = ['storage', 'marketing', 'health'];
    for (const key of consentPurposes) {
      expect(
        (await app.http().put(`/consent/purposes/${key}`).set(auth(token)).send({ active: false }))
          .status
      ).toBe(200);
    }
    const client = await createClient(app.strapi);
    const res = await app
      .http()
      .post(`/consent/subjects/${client}/requests`)
      .set(auth(token))
      .send({});
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/no consent text is published/i);
    const campaign = await app
      .http()
      .post('/consent/campaigns')
      .set(auth(token))
      .send({ name: 'x', audience: { consent: 'invalid' } });
    expect(campaign.status).toBe(400);
    expect(
      await app.strapi.db.connection('consent_requests').where({ subject: client })
    ).toHaveLength(0);
    for (const key of consentPurposes)
      await app.http().put(`/consent/purposes/${key}`).set(auth(token)).send({ active: true });
  });
});

describe('requests need an organisation name', () => {
  const store = () => app.strapi.store({ type: 'plugin', name: 'consent', key: 'settings' });
  /** Settings as a fresh install has them: no organisation name (the demo seed sets one). */
  const unname = async () => {
    const stored = (await store().get({})) as { sender?: object } | null;
    await store().set({
      value: { ...stored, sender: { from: null, replyTo: null, organisation: '' } },
    });
  };

  it('has no organisation name by default: nothing falls back to the host app’s package name', async () => {
    const defaults = app.strapi.plugin('consent').service('settings').defaults();
    expect(defaults.sender.organisation).toBe('');
    expect(defaults.controller.name).toBe('');
  });

  it('refuses requests, campaigns and test mails with a 400 naming the setting, queues nothing, and sends once it is set', async () => {
    const token = await app.adminToken();
    const restore = (await get()).body.data.sender;
    await unname();
    try {
      expect((await get()).body.data.sender.organisation).toBe('');
      const client = await createClient(app.strapi, { language: 'en' });
      const refused = await app
        .http()
        .post(`/consent/subjects/${client}/requests`)
        .set(auth(token))
        .send({});
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({
        name: 'ApplicationError',
        details: { code: 'NO_ORGANISATION' },
      });
      expect(refused.body.error.message).toMatch(/organisation name.*sender\.organisation/);
      const campaign = await app
        .http()
        .post('/consent/campaigns')
        .set(auth(token))
        .send({ name: 'unnamed', audience: { consent: 'invalid' } });
      expect(campaign.status).toBe(400);
      expect(campaign.body.error.details.code).toBe('NO_ORGANISATION');
      const test = await app
        .http()
        .post('/consent/settings/test-email')
        .set(auth(token))
        .send({ to: 'unnamed@example.com' });
      expect(test.status).toBe(400);
      expect(test.body.error.details.code).toBe('NO_ORGANISATION');
      expect(
        await app.strapi.db.connection('consent_requests').where({ subject: client })
      ).toHaveLength(0);
      // An empty name cannot be saved either.
      expect((await put({ sender: { organisation: '  ' } })).status).toBe(400);

      // The name alone is a valid update; then the request goes out and names it.
      const named = await put({ sender: { organisation: 'Klinik Solsikke' } });
      expect(named.status).toBe(200);
      expect(named.body.data.sender).toMatchObject({ organisation: 'Klinik Solsikke' });
      const asked = await app
        .http()
        .post(`/consent/subjects/${client}/requests`)
        .set(auth(token))
        .send({});
      expect(asked.status).toBe(201);
      await worker().drain();
      const email = (await app.strapi
        .documents('api::client.client')
        .findOne({ documentId: client }))!.email as string;
      const mail = await smtp.waitFor((m) => m.to.includes(email));
      // (The subject template was edited above; the organisation is in the body.)
      expect(mail.text).toContain('Klinik Solsikke asks for your consent');
    } finally {
      await put({ sender: restore });
    }
  });

  it('a controller name stored empty before the organisation was named reads as the organisation: the whole form saves again', async () => {
    const before = (await store().get({})) as Record<string, unknown>;
    try {
      // What a first install stored: the organisation named later, the controller saved empty.
      await store().set({
        value: {
          ...before,
          sender: { from: null, replyTo: null, organisation: 'Salon Nord' },
          controller: { ...(before.controller as object), name: '' },
        },
      });
      const read = await get();
      expect(read.body.data.controller.name).toBe('Salon Nord');
      // The Settings page sends the whole form back: it saves.
      const { data } = read.body;
      const saved = await put({
        requestTtlDays: data.requestTtlDays,
        sender: data.sender,
        controller: data.controller,
      });
      expect(saved.status).toBe(200);
      expect(saved.body.data.controller.name).toBe('Salon Nord');
    } finally {
      await store().set({ value: before });
    }
  });

  it('keeps messages a booking queued until the name is set', async () => {
    const restore = (await get()).body.data.sender;
    const settingsService = app.strapi.plugin('consent').service('settings');
    await put({ informationMail: true });
    await unname();
    try {
      // update() drops the 5-second cache, so the worker reads the unnamed settings now.
      await settingsService.update({});
      const contact = newContact();
      const booked = await book(app, { contact });
      expect([booked.status, booked.body.error]).toEqual([201, undefined]);
      const subject = await clientByEmail(app, contact.email as string);
      const rows = () =>
        app.strapi.db.connection('consent_requests').where({ subject: subject.documentId });
      expect(await rows()).toHaveLength(1);
      await worker().tick();
      expect((await rows())[0].status).toBe('queued');
      await put({ sender: { organisation: 'Klinik Solsikke' } });
      await worker().drain();
      expect((await rows())[0].status).toBe('sent');
    } finally {
      await put({ sender: restore, informationMail: false });
    }
  });
});
