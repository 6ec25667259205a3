import { startApp, type TestApp } from '../helpers/app';
import {
  auth,
  bodies,
  createClient,
  publishVersion,
  rowCount,
  clientEmail,
} from '../helpers/consent';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

/**
 * Campaigns end to end, and what the worker puts in the messages it sends: queued
 * over the admin API, sent by the worker through Strapi's email feature
 * (nodemailer) to a real SMTP server in this process.
 */
let app: TestApp;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startApp({
    env: {
      ...smtp.env,
      // The test drives the worker itself, step by step.
      CONSENT_WORKER: 'false',
    },
  });
});
afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
});

const worker = () => app.strapi.plugin('consent').service('worker');

const ask = async (subject: string, body: object = {}) =>
  app
    .http()
    .post(`/consent/subjects/${subject}/requests`)
    .set(auth(await app.adminToken()))
    .send(body);

const count = (table: string, where: Record<string, unknown> = {}) =>
  rowCount(app.strapi, table, where);

const mailFor = (client: string) => clientEmail(app.strapi, client);

describe('campaigns', () => {
  it('asks every client without valid consent with one set-based insert; pause, resume, counts, completion', async () => {
    const token = await app.adminToken();
    smtp.clear();
    const invalid = await app
      .http()
      .get('/consent/subjects')
      .query({ consent: 'invalid', limit: 200 })
      .set(auth(token));
    const expected = invalid.body.data.length;
    const created = await app
      .http()
      .post('/consent/campaigns')
      .set(auth(token))
      .send({ name: 'Re-consent 2026', audience: { consent: 'invalid' } });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      status: 'running',
      total: expected,
      counts: { queued: expected },
    });
    const id = created.body.data.documentId;

    const paused = await app.http().post(`/consent/campaigns/${id}/pause`).set(auth(token));
    expect(paused.body.data.status).toBe('paused');
    await worker().drain();
    expect(
      (await app.http().get(`/consent/campaigns/${id}`).set(auth(token))).body.data.counts.queued
    ).toBe(expected);

    expect((await app.http().post(`/consent/campaigns/${id}/pause`).set(auth(token))).status).toBe(
      400
    );
    await app.http().post(`/consent/campaigns/${id}/resume`).set(auth(token));
    await worker().drain();
    const done = await app.http().get(`/consent/campaigns/${id}`).set(auth(token));
    expect(done.body.data.status).toBe('completed');
    expect(done.body.data.counts.queued).toBe(0);
    expect(done.body.data.counts.sent + done.body.data.counts.failed).toBe(expected);
    // One message per recipient address.
    const recipients = smtp.messages.flatMap((m) => m.to);
    expect(recipients).toHaveLength(
      await count('consent_requests', { campaign: id, status: 'sent', channel: 'email' })
    );
    expect(new Set(recipients).size).toBe(recipients.length);
  });

  it('a campaign without reminders sends none; one with them schedules its reminders', async () => {
    const token = await app.adminToken();
    const quiet = await createClient(app.strapi);
    const reminded = await createClient(app.strapi);
    for (const [client, reminder] of [
      [quiet, false],
      [reminded, true],
    ] as const) {
      const created = await app
        .http()
        .post('/consent/campaigns')
        .set(auth(token))
        .send({ name: `Reminder ${reminder}`, audience: { subjects: [client] }, reminder });
      expect(created.status).toBe(201);
    }
    await worker().drain();
    const row = (client: string) =>
      app.strapi.db
        .connection('consent_requests')
        .where({ subject: client, status: 'sent' })
        .first();
    expect((await row(quiet)).reminder_at).toBeNull();
    expect((await row(reminded)).reminder_at).not.toBeNull();
  });

  it('a selection campaign can be cancelled: its queued requests are cancelled', async () => {
    const token = await app.adminToken();
    const clients = [await createClient(app.strapi), await createClient(app.strapi)];
    const created = await app
      .http()
      .post('/consent/campaigns')
      .set(auth(token))
      .send({ name: 'Two', audience: { subjects: clients } });
    expect(created.body.data.total).toBe(2);
    const cancelled = await app
      .http()
      .post(`/consent/campaigns/${created.body.data.documentId}/cancel`)
      .set(auth(token));
    expect(cancelled.body.data).toMatchObject({
      status: 'cancelled',
      counts: { cancelled: 2, queued: 0 },
    });
  });
});

describe('what a message says', () => {
  it("a text published between two batches is in the next batch's messages: the sender re-uses purposes and texts only while unchanged", async () => {
    const titleIn = async (client: string) => {
      const email = await mailFor(client);
      const mail = await smtp.waitFor((m) => m.to.includes(email));
      return mail.text;
    };
    const first = await createClient(app.strapi, { language: 'en' });
    expect((await ask(first, { purposes: ['storage'] })).status).toBe(201);
    await worker().drain();
    const current = (await app.http().get('/api/consent/texts?locale=en')).body.data.find(
      (t: { purpose: string }) => t.purpose === 'storage'
    );
    expect(await titleIn(first)).toContain(current.title);

    const revised = `Storage of your details, revised ${Date.now()}`;
    const published = await publishVersion(app, 'storage', {
      changeKind: 'editorial',
      bodies: { ...bodies('revised'), en: { title: revised, text: 'English text, revised' } },
    });
    expect(published.status).toBe(201);

    const second = await createClient(app.strapi, { language: 'en' });
    expect((await ask(second, { purposes: ['storage'] })).status).toBe(201);
    await worker().drain();
    const text = await titleIn(second);
    expect(text).toContain(revised);
    expect(text).not.toContain(current.title);
  });
});
