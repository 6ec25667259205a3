import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp, type TestApp } from '../helpers/app';
import { auth, createClient, subjectConsent, rowCount, clientEmail } from '../helpers/consent';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

/**
 * Consent requests end to end: queued over the admin API, sent by the worker
 * through Strapi's email feature (nodemailer) to a real SMTP server in this
 * process, or by SMS through a real HTTP server, and answered on the public page
 * over HTTP as a browser without JavaScript would.
 */
let app: TestApp;
let smtp: TestSmtp;
let smsServer: http.Server;
const smsReceived: { authorization?: string; body: { to: string; from?: string; body: string } }[] =
  [];

const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  smtp = await startSmtp();
  smsServer = http.createServer((req, res) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => {
      smsReceived.push({ authorization: req.headers.authorization, body: JSON.parse(data) });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => smsServer.listen(0, '127.0.0.1', resolve));
  app = await startApp({
    env: {
      ...smtp.env,
      // The test drives the worker itself, step by step.
      CONSENT_WORKER: 'false',
      CONSENT_SMS_URL: `http://127.0.0.1:${(smsServer.address() as AddressInfo).port}/sms`,
      CONSENT_SMS_AUTH: 'Bearer sms-secret',
      CONSENT_BACKOFF_SECONDS: '60',
      CONSENT_RATE_LIMIT_MAX: '1000',
    },
  });
});
afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
  smsServer?.close();
});
afterEach(() => {
  smtp?.fail(null);
  if (app) clock().reset();
});

const service = <T = any>(name: string): T => app.strapi.plugin('consent').service(name) as T; // eslint-disable-line @typescript-eslint/no-explicit-any
const worker = () => service('worker');
const clock = () => service('clock');

const ask = async (subject: string, body: object = {}) =>
  app
    .http()
    .post(`/consent/subjects/${subject}/requests`)
    .set(auth(await app.adminToken()))
    .send(body);

const requestRow = (documentId: string) =>
  app.strapi.db.connection('consent_requests').where('document_id', documentId).first();
const count = (table: string, where: Record<string, unknown> = {}) =>
  rowCount(app.strapi, table, where);

/** The path of a link of the message to the consent pages: r (answer), m (preferences), u (unsubscribe). */
const linkIn = (text: string, kind: 'r' | 'm' | 'u' = 'r'): string => {
  const match = text.match(new RegExp(`https?://[^\\s/]+(/api/consent/${kind}/[A-Za-z0-9_-]+)`));
  if (!match) throw new Error(`no /${kind}/ link in: ${text}`);
  return match[1];
};

/** Fill in the consent page like a browser: its hidden fields, plus a decision per purpose. */
const answer = async (
  path: string,
  decisions: Record<string, 'given' | 'refused'>,
  explicit: string[] = []
) => {
  const page = await app.http().get(path);
  expect(page.status).toBe(200);
  const form = new URLSearchParams();
  for (const m of page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    form.append(m[1], m[2]);
  for (const [key, decision] of Object.entries(decisions)) form.append(`decision-${key}`, decision);
  for (const key of explicit) form.append(`explicit-${key}`, 'yes');
  return app
    .http()
    .post(path)
    .type('form')
    .set('User-Agent', 'Mail-Browser/1.0')
    .send(form.toString());
};

const mailFor = (client: string) => clientEmail(app.strapi, client);

describe('a consent request by email', () => {
  it('is queued, sent once with a working link; approving makes the client valid with an email-link event', async () => {
    const client = await createClient(app.strapi, { language: 'da' });
    const res = await ask(client);
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ subject: client, status: 'queued', kind: 'consent' });
    expect(res.body.data).not.toHaveProperty('leaseOwner');

    expect((await worker().drain()).sent).toBeGreaterThanOrEqual(1);
    const row = await requestRow(res.body.data.documentId);
    expect(row).toMatchObject({ status: 'sent', channel: 'email', request_locale: 'da' });
    expect(new Date(row.expires_at).getTime() - new Date(row.sent_at).getTime()).toBe(7 * DAY);

    const email = await mailFor(client);
    const mail = await smtp.waitFor((m) => m.to.includes(email));
    expect(smtp.messagesTo(email)).toHaveLength(1);
    expect(mail.text).toContain('/api/consent/m/');
    expect(mail.html).toContain(linkIn(mail.text));
    // Only the token's hash is stored.
    const token = linkIn(mail.text).split('/').pop() as string;
    expect(JSON.stringify(await app.strapi.db.connection('consent_tokens').select())).not.toContain(
      token
    );

    const posted = await answer(
      linkIn(mail.text),
      { storage: 'given', marketing: 'refused', health: 'given' },
      ['health']
    );
    expect(posted.status).toBe(303);
    expect((await requestRow(res.body.data.documentId)).status).toBe('approved');
    expect((await subjectConsent(app, client)).valid).toBe(true);
    const events = await app.strapi.db
      .query('plugin::consent.consent-event')
      .findMany({ where: { subject: client }, orderBy: { id: 'asc' } });
    expect(
      events
        .map((e: { purposeKey: string; decision: string }) => `${e.purposeKey}:${e.decision}`)
        .sort()
    ).toEqual(['health:given', 'marketing:refused', 'storage:given'].sort());
    expect(events[0]).toMatchObject({
      channel: 'email_link',
      actorType: 'subject',
      requestId: res.body.data.documentId,
      userAgent: 'Mail-Browser/1.0',
      textLocale: 'da',
    });
    expect(events[0].ip).toEqual(expect.any(String));

    // The same link again: the neutral page, nothing recorded twice.
    expect((await app.http().get(linkIn(mail.text))).status).toBe(404);
    const replay = await app
      .http()
      .post(linkIn(mail.text))
      .type('form')
      .send('decision-storage=refused');
    expect(replay.status).toBe(404);
    expect(await count('consent_events', { subject: client })).toBe(3);
  });

  it("the admin list names each request's client, and nothing more of them", async () => {
    const client = await createClient(app.strapi, {
      name: 'Liv Requestlist',
      phone: '+4511223344',
    });
    const res = await ask(client);
    expect(res.status).toBe(201);
    const list = await app
      .http()
      .get(`/consent/requests?subject=${client}`)
      .set(auth(await app.adminToken()));
    expect(list.status).toBe(200);
    const row = list.body.data.find(
      (r: { documentId: string }) => r.documentId === res.body.data.documentId
    );
    expect(row).toMatchObject({ subject: client, subjectName: 'Liv Requestlist' });
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(await mailFor(client));
    expect(text).not.toContain('+4511223344');
  });

  it("GET /consent/config gives the admin panel the client type's field names (the in-person modal reads the language field)", async () => {
    const res = await app
      .http()
      .get('/consent/config')
      .set(auth(await app.adminToken()));
    expect(res.status).toBe(200);
    expect(res.body.data.subject).toEqual({
      uid: 'api::client.client',
      name: 'name',
      email: 'email',
      phone: 'phone',
      language: 'language',
    });
    expect(res.body.data.locales).toEqual(expect.arrayContaining(['en', 'da', 'sv']));
  });

  it('declining refuses and marks the request declined; it can be sent again', async () => {
    const client = await createClient(app.strapi);
    const res = await ask(client, { purposes: ['storage'] });
    await worker().drain();
    const email = await mailFor(client);
    const sent = await smtp.waitFor((m) => m.to.includes(email));
    expect((await answer(linkIn(sent.text), { storage: 'refused' })).status).toBe(303);
    expect((await requestRow(res.body.data.documentId)).status).toBe('declined');
    expect((await subjectConsent(app, client)).status).toBe('refused');

    const again = await app
      .http()
      .post(`/consent/requests/${res.body.data.documentId}/resend`)
      .set(auth(await app.adminToken()));
    expect(again.status).toBe(201);
    expect(again.body.data).toMatchObject({
      subject: client,
      status: 'queued',
      purposeKeys: ['storage'],
    });
  });

  it('a new request supersedes the open one, whose link then shows the neutral page', async () => {
    const client = await createClient(app.strapi);
    const first = await ask(client);
    await worker().drain();
    const email = await mailFor(client);
    const firstMail = await smtp.waitFor((m) => m.to.includes(email));
    const second = await ask(client);
    expect((await requestRow(first.body.data.documentId)).status).toBe('cancelled');
    expect((await requestRow(first.body.data.documentId)).reason).toContain(
      second.body.data.documentId
    );
    const page = await app.http().get(linkIn(firstMail.text));
    expect(page.status).toBe(404);
  });

  it('expires unanswered after the TTL: set-based, idempotent, an expired event for undecided purposes', async () => {
    const client = await createClient(app.strapi);
    const res = await ask(client, { purposes: ['storage'] });
    await worker().drain();
    const email = await mailFor(client);
    const mail = await smtp.waitFor((m) => m.to.includes(email));

    clock().advance(7 * DAY - 60_000);
    // (The demo seed's own open requests may lapse here: only this request is looked at.)
    await worker().drain();
    expect((await requestRow(res.body.data.documentId)).status).toBe('sent');
    clock().advance(2 * 60_000);
    const first = await worker().drain();
    expect(first.expired).toBeGreaterThanOrEqual(1);
    expect(await worker().drain()).toMatchObject({ expired: 0 });
    expect((await requestRow(res.body.data.documentId)).status).toBe('expired');
    const events = await app.strapi.db
      .query('plugin::consent.consent-event')
      .findMany({ where: { subject: client } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      decision: 'expired',
      purposeKey: 'storage',
      channel: 'system',
      actorType: 'system',
      requestId: res.body.data.documentId,
    });
    expect((await subjectConsent(app, client)).status).toBe('expired');
    // The expired link answers nothing.
    expect((await app.http().get(linkIn(mail.text))).status).toBe(404);
  });

  it('sends a reminder before expiry, once', async () => {
    const client = await createClient(app.strapi);
    await ask(client, { purposes: ['storage'] });
    await worker().drain();
    const email = await mailFor(client);
    await smtp.waitFor((m) => m.to.includes(email));
    clock().advance(5 * DAY - 60_000);
    expect((await worker().drain()).reminded).toBe(0);
    clock().advance(2 * 60_000);
    expect((await worker().drain()).reminded).toBe(1);
    expect((await worker().drain()).reminded).toBe(0);
    const reminder = await smtp.waitFor(
      (m) => m.to.includes(email) && /remind|påmind/i.test(m.subject)
    );
    expect(linkIn(reminder.text)).toMatch(/\/api\/consent\/r\//);
    expect(smtp.messagesTo(email)).toHaveLength(2);
  });
});

describe('channels and faults', () => {
  it('sends an SMS through the HTTP provider when the client has no email but a phone', async () => {
    const client = await createClient(app.strapi, { email: null, phone: '+4512345678' });
    const res = await ask(client);
    await worker().drain();
    const row = await requestRow(res.body.data.documentId);
    expect(row).toMatchObject({ status: 'sent', channel: 'sms' });
    const sms = smsReceived.find((s) => s.body.to === '+4512345678');
    expect(sms).toBeDefined();
    expect(sms!.authorization).toBe('Bearer sms-secret');
    const path = linkIn(sms!.body.body);
    expect(
      (await answer(path, { storage: 'given', marketing: 'refused', health: 'refused' })).status
    ).toBe(303);
    const events = await app.strapi.db
      .query('plugin::consent.consent-event')
      .findMany({ where: { subject: client } });
    expect(events.every((e: { channel: string }) => e.channel === 'sms_link')).toBe(true);
  });

  it('fails with a reason when the client has neither email nor phone', async () => {
    const client = await createClient(app.strapi, { email: null, phone: null });
    const res = await ask(client);
    await worker().drain();
    expect(await requestRow(res.body.data.documentId)).toMatchObject({
      status: 'failed',
      reason: 'no email and no phone number',
    });
  });

  it('SMTP down, then up: nothing lost, sent exactly once', async () => {
    const client = await createClient(app.strapi);
    const email = await mailFor(client);
    smtp.fail({ stage: 'rcpt', code: 451, message: 'Try again later' });
    const res = await ask(client);
    await worker().drain();
    let row = await requestRow(res.body.data.documentId);
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    expect(row.reason).toMatch(/451|later/i);
    expect(smtp.messagesTo(email)).toHaveLength(0);
    expect(await count('consent_tokens', { request: res.body.data.documentId })).toBe(0);

    smtp.fail(null);
    await worker().drain(); // the backoff has not passed: nothing yet
    expect(smtp.messagesTo(email)).toHaveLength(0);
    clock().advance(61_000);
    await worker().drain();
    row = await requestRow(res.body.data.documentId);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, reason: null });
    await smtp.waitFor((m) => m.to.includes(email));
    clock().advance(10 * 60_000);
    await worker().drain();
    expect(smtp.messagesTo(email)).toHaveLength(1);
  });

  it('a write of sent requests that fails once (a dropped database connection) is tried again: the mail is not sent twice', async () => {
    const client = await createClient(app.strapi);
    const email = await mailFor(client);
    const queue = service('queue');
    const original = queue.settle;
    let failures = 0;
    // The fault is injected where the database answers the settle; everything else is real.
    queue.settle = async (...args: unknown[]) => {
      if (failures === 0) {
        failures += 1;
        throw new Error('Connection terminated unexpectedly');
      }
      return original.apply(queue, args);
    };
    try {
      const res = await ask(client);
      await worker().drain();
      expect(failures).toBe(1);
      expect(await requestRow(res.body.data.documentId)).toMatchObject({
        status: 'sent',
        attempts: 1,
        lease_owner: null,
      });
      await smtp.waitFor((m) => m.to.includes(email));
      // Long past the claim's lease: nothing is due again.
      clock().advance(60 * 60_000);
      await worker().drain();
      expect(smtp.messagesTo(email)).toHaveLength(1);
    } finally {
      queue.settle = original;
    }
  });

  it('gives up after the configured attempts, with the last error', async () => {
    const client = await createClient(app.strapi);
    smtp.fail({ stage: 'rcpt', code: 451, message: 'Mailbox busy' });
    const res = await ask(client);
    for (let i = 0; i < 8; i += 1) {
      await worker().drain();
      clock().advance(3600_000);
    }
    const row = await requestRow(res.body.data.documentId);
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(6);
    expect(row.reason).toMatch(/gave up after 6 attempts/);
  });
});

describe("the client card's requests (GET /consent/subjects/:id/requests)", () => {
  const clientRequests = async (client: string, query = '') =>
    app
      .http()
      .get(`/consent/subjects/${client}/requests${query}`)
      .set(auth(await app.adminToken()));

  it('newest first, limited, with what staff need: status, channel, sent and open until, attempts and the failure reason', async () => {
    const client = await createClient(app.strapi);
    const first = await ask(client);
    await worker().drain();
    smtp.fail({ stage: 'rcpt', code: 451, message: 'Mailbox busy' });
    const second = await ask(client);
    await worker().drain();
    smtp.fail(null);

    const res = await clientRequests(client, '?limit=1');
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({
      documentId: second.body.data.documentId,
      status: 'queued',
      attempts: 1,
      reason: expect.stringMatching(/Mailbox busy/),
    });
    expect(res.body.data[0].nextAttemptAt).toEqual(expect.any(String));
    expect(res.body.meta.next).toEqual(expect.any(Number));
    // The lease bookkeeping stays inside.
    expect(res.body.data[0]).not.toHaveProperty('leaseOwner');

    const older = await clientRequests(client, `?limit=1&before=${res.body.meta.next}`);
    expect(older.body.data[0]).toMatchObject({
      documentId: first.body.data.documentId,
      // Superseded by the newer request.
      status: 'cancelled',
      channel: 'email',
    });
    expect(older.body.data[0].sentAt).toEqual(expect.any(String));
  });

  it.each([
    ['a limit over 50', '?limit=51'],
    ['a limit of 0', '?limit=0'],
    ['an unknown parameter', '?status=sent'],
  ])('%s → 400', async (_name, query) => {
    const client = await createClient(app.strapi);
    const res = await clientRequests(client, query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ data: null, error: { status: 400 } });
  });

  it('an unknown client → 404', async () => {
    const res = await clientRequests('nosuchclient000000000000');
    expect(res.status).toBe(404);
  });
});

describe('bad input changes nothing', () => {
  it.each([
    ['an unknown client', 'nosuchclient000000000000', {}, 404],
    ['an unknown purpose', ':client', { purposes: ['nope'] }, 400],
    ['a purpose not based on consent', ':client', { purposes: ['service'] }, 400],
    ['an unknown field', ':client', { purposes: ['storage'], urgent: true }, 400],
    ['purposes not a list', ':client', { purposes: 'storage' }, 400],
  ])('%s → %s', async (_name, subject, body, status) => {
    const client = await createClient(app.strapi);
    const before = await count('consent_requests');
    const res = await ask(subject === ':client' ? client : subject, body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ data: null, error: { status } });
    expect(await count('consent_requests')).toBe(before);
  });
});
