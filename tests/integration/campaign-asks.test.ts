import { startApp, type TestApp } from '../helpers/app';
import {
  auth,
  bodies,
  clientEmail,
  createClient,
  publishVersion,
  recordDecisions,
} from '../helpers/consent';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

/**
 * What a campaign asks each client (issue 21.5): only the purposes missing or outdated
 * for that client, never again what the client refused or withdrew unless the text got a
 * substantive new version since; nothing at all (no request) when nothing is left. The
 * evidence: a client declined e-marketing at 00:26 and a campaign to everyone without
 * valid consent asked for e-marketing (and health) again at 00:27.
 */
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

const worker = () => app.strapi.plugin('consent').service('worker');
// Decisions and publications are ordered by time: keep them a few milliseconds apart.
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

const campaign = async (body: object) => {
  const res = await app
    .http()
    .post('/consent/campaigns')
    .set(auth(await app.adminToken()))
    .send({ name: `Campaign ${Date.now()}`, ...body });
  expect(res.status).toBe(201);
  return res.body.data as { documentId: string; total: number; counts: Record<string, number> };
};

/** The purposes each client's request of a campaign asks, by client. */
const askedBy = async (id: string): Promise<Map<string, string[]>> => {
  const rows = (await app.strapi.db
    .connection('consent_requests')
    .where({ campaign: id })
    .select('subject', 'purpose_keys')) as { subject: string; purpose_keys: unknown }[];
  return new Map(
    rows.map((r) => [
      r.subject,
      (typeof r.purpose_keys === 'string'
        ? JSON.parse(r.purpose_keys)
        : r.purpose_keys) as string[],
    ])
  );
};

const linkIn = (text: string): string => {
  const match = /https?:\/\/[^\s/]+(\/api\/consent\/r\/[A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error(`no request link in: ${text}`);
  return match[1];
};

/** The request link in the newest mail to a client (after the worker sent it). */
const newestLink = async (client: string): Promise<string> => {
  const email = await clientEmail(app.strapi, client);
  await smtp.waitFor((m) => m.to.includes(email));
  const mails = smtp.messagesTo(email);
  return linkIn(mails[mails.length - 1].text);
};

/** The purposes a request page asks a decision about, in page order. */
const pageAsks = (html: string): string[] =>
  [...html.matchAll(/name="decision-([a-z0-9_-]+)" value="given"/g)].map((m) => m[1]);

const answer = async (path: string, decisions: Record<string, 'given' | 'refused'>) => {
  const page = await app.http().get(path);
  expect(page.status).toBe(200);
  const form = new URLSearchParams();
  for (const m of page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    form.append(m[1], m[2]);
  for (const [key, decision] of Object.entries(decisions)) form.append(`decision-${key}`, decision);
  const res = await app.http().post(path).type('form').send(form.toString());
  expect(res.status).toBe(303);
};

const substantive = (purpose: string, suffix: string) =>
  publishVersion(app, purpose, { changeKind: 'substantive', bodies: bodies(suffix) });
const editorial = (purpose: string, suffix: string) =>
  publishVersion(app, purpose, { changeKind: 'editorial', bodies: bodies(suffix) });

describe('what a campaign asks each client', () => {
  it('the evidence: a client who declined e-marketing is asked only what is missing, and e-marketing again only after a substantive new version', async () => {
    const client = await createClient(app.strapi, { language: 'en' });
    // 00:26: asked for e-marketing only, the client declines through the link.
    const single = await app
      .http()
      .post(`/consent/subjects/${client}/requests`)
      .set(auth(await app.adminToken()))
      .send({ purposes: ['marketing'] });
    expect(single.status).toBe(201);
    await worker().drain();
    await answer(await newestLink(client), { marketing: 'refused' });
    await tick();

    // 00:27: a campaign to everyone without valid consent.
    const first = await campaign({ audience: { consent: 'invalid' } });
    const asked = await askedBy(first.documentId);
    expect(asked.get(client)).toEqual(['storage', 'health']);
    expect(first.total).toBe(asked.size);
    expect(first.counts.queued).toBe(asked.size);
    // The consent page opened from the campaign's message asks exactly those.
    await worker().drain();
    const page = await app.http().get(await newestLink(client));
    expect(page.status).toBe(200);
    expect(pageAsks(page.text)).toEqual(['storage', 'health']);
    expect(page.text).not.toContain('name="version-marketing"');
    // And the message is not about marketing: no unsubscribe header (RFC 8058).
    const mails = smtp.messagesTo(await clientEmail(app.strapi, client));
    expect(mails[mails.length - 1].headers['list-unsubscribe']).toBeUndefined();

    // An editorial change is no reason to ask again.
    expect((await editorial('marketing', 'typo fixed')).status).toBe(201);
    await tick();
    const second = await campaign({ audience: { subjects: [client] } });
    expect((await askedBy(second.documentId)).get(client)).toEqual(['storage', 'health']);

    // A substantive one is: the client decides again on the changed text.
    expect((await substantive('marketing', 'new terms')).status).toBe(201);
    await tick();
    const third = await campaign({ audience: { subjects: [client] } });
    expect((await askedBy(third.documentId)).get(client)).toEqual([
      'storage',
      'marketing',
      'health',
    ]);
    await worker().drain();
    expect(pageAsks((await app.http().get(await newestLink(client))).text)).toEqual([
      'storage',
      'marketing',
      'health',
    ]);
  });

  it('a client with nothing left to ask gets no request and is not counted; askAgainRefused asks anyway', async () => {
    const declined = await createClient(app.strapi);
    const valid = await createClient(app.strapi);
    const open = await createClient(app.strapi);
    const res = await recordDecisions(app, declined, {
      decisions: [
        { purpose: 'storage', decision: 'refused' },
        { purpose: 'marketing', decision: 'refused' },
        { purpose: 'health', decision: 'refused' },
      ],
    });
    expect(res.status).toBe(201);
    await recordDecisions(app, valid, {
      decisions: [
        { purpose: 'storage', decision: 'given' },
        { purpose: 'marketing', decision: 'given' },
        { purpose: 'health', decision: 'given', explicit: true },
      ],
    });
    const single = await app
      .http()
      .post(`/consent/subjects/${declined}/requests`)
      .set(auth(await app.adminToken()))
      .send({ purposes: ['marketing'] });
    await tick();

    const created = await campaign({ audience: { subjects: [declined, valid, open] } });
    expect(created.total).toBe(1);
    expect(created.counts).toMatchObject({ queued: 1, cancelled: 0 });
    expect([...(await askedBy(created.documentId))]).toEqual([
      [open, ['storage', 'marketing', 'health']],
    ]);
    // Its open request (about e-marketing, which it refused since) is superseded like any
    // open request of the audience: it could only ask again what the client decided.
    const superseded = await app.strapi.db
      .connection('consent_requests')
      .where({ document_id: single.body.data.documentId })
      .first();
    expect(superseded).toMatchObject({
      status: 'cancelled',
      reason: `superseded by campaign ${created.documentId}`,
    });

    const anyway = await campaign({
      audience: { subjects: [declined, valid] },
      askAgainRefused: true,
    });
    expect(anyway.total).toBe(1);
    expect(anyway).toMatchObject({ askAgainRefused: true });
    expect([...(await askedBy(anyway.documentId))]).toEqual([
      [declined, ['storage', 'marketing', 'health']],
    ]);
  });

  it('a withdrawal is not asked again, also of a consent given to an older version; outdated and revoked ones are', async () => {
    const withdrew = await createClient(app.strapi);
    const outdated = await createClient(app.strapi);
    const revoked = await createClient(app.strapi);
    for (const client of [withdrew, outdated, revoked])
      await recordDecisions(app, client, {
        decisions: [
          { purpose: 'storage', decision: 'given' },
          { purpose: 'marketing', decision: 'given' },
        ],
      });
    await recordDecisions(app, revoked, {
      decisions: [{ purpose: 'marketing', decision: 'revoked' }],
      note: 'Signed by a relative, not the client',
    });
    await tick();
    expect((await substantive('marketing', 'second terms')).status).toBe(201);
    await tick();
    // Withdrawn after the new version was out: the client has seen it and said no.
    await recordDecisions(app, withdrew, {
      decisions: [{ purpose: 'marketing', decision: 'withdrawn' }],
    });
    await tick();
    const created = await campaign({
      audience: { subjects: [withdrew, outdated, revoked] },
      purposes: ['marketing'],
    });
    expect(created.total).toBe(2);
    const asked = await askedBy(created.documentId);
    expect(asked.get(withdrew)).toBeUndefined();
    expect(asked.get(outdated)).toEqual(['marketing']);
    expect(asked.get(revoked)).toEqual(['marketing']);
  });

  it('what a client decides after the campaign queued its request is not asked: the request is narrowed before it leaves, or cancelled when nothing is left', async () => {
    const narrowed = await createClient(app.strapi);
    const done = await createClient(app.strapi);
    const created = await campaign({ audience: { subjects: [narrowed, done] } });
    expect(created.total).toBe(2);
    await tick();
    // Both decide at a booking while the campaign waits in the queue.
    await recordDecisions(app, narrowed, {
      decisions: [{ purpose: 'marketing', decision: 'refused' }],
    });
    await recordDecisions(app, done, {
      decisions: [
        { purpose: 'storage', decision: 'given' },
        { purpose: 'marketing', decision: 'refused' },
        { purpose: 'health', decision: 'given', explicit: true },
      ],
    });
    smtp.clear();
    await worker().drain();

    const rows = (await app.strapi.db
      .connection('consent_requests')
      .where({ campaign: created.documentId })
      .select('subject', 'status', 'reason')) as {
      subject: string;
      status: string;
      reason: string;
    }[];
    const bySubject = new Map(rows.map((r) => [r.subject, r]));
    expect(bySubject.get(narrowed)?.status).toBe('sent');
    expect((await askedBy(created.documentId)).get(narrowed)).toEqual(['storage', 'health']);
    expect(pageAsks((await app.http().get(await newestLink(narrowed))).text)).toEqual([
      'storage',
      'health',
    ]);
    expect(bySubject.get(done)).toMatchObject({ status: 'cancelled' });
    expect(bySubject.get(done)?.reason).toContain('nothing left to ask');
    expect(smtp.messagesTo(await clientEmail(app.strapi, done))).toHaveLength(0);
  });

  it('refuses bad input with a 400 in Strapi’s error shape and queues nothing', async () => {
    const before = await app.strapi.db.connection('consent_requests').count({ n: '*' }).first();
    const res = await app
      .http()
      .post('/consent/campaigns')
      .set(auth(await app.adminToken()))
      .send({ name: 'Bad', audience: { consent: 'invalid' }, askAgainRefused: 'yes' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ data: null, error: { status: 400, name: 'ValidationError' } });
    const after = await app.strapi.db.connection('consent_requests').count({ n: '*' }).first();
    expect(after).toEqual(before);
  });
});
