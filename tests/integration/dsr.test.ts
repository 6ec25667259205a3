import ExcelJS from 'exceljs';
import { login, startApp, type TestApp } from '../helpers/app';
import { auth, createClient, recordDecisions, rowCount } from '../helpers/consent';
import { download, parseCsv } from '../helpers/downloads';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

/**
 * The register of data-subject requests (GDPR Art. 12(3), 15-21) on a real Strapi and a
 * real database: its lifecycle and refused transitions, the due date and its one
 * extension, the append-only history, list filters moved through the plugin's clock,
 * the CSV and XLSX export, RBAC, bad input, and the public form end to end through a
 * real SMTP server (submit, mail, confirm, registered; the same answers for known and
 * unknown addresses; the rate limit).
 */
const RATE_LIMIT = 20;
const WINDOW_MS = 60_000;
const DAY = 24 * 60 * 60 * 1000;

let app: TestApp;
let smtp: TestSmtp;
let token: string;
let editorToken: string;
let readerToken: string;

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startApp({
    env: { ...smtp.env, CONSENT_WORKER: 'false', CONSENT_RATE_LIMIT_MAX: String(RATE_LIMIT) },
  });
  token = await app.adminToken();
  // An Editor: Content Manager rights, none of the plugin's actions.
  const editorRole = await app.strapi.db
    .query('admin::role')
    .findOne({ where: { code: 'strapi-editor' } });
  // A role with the register's read action only.
  const roles = app.strapi.service('admin::role') as {
    create(data: object): Promise<{ id: number }>;
    assignPermissions(id: number, permissions: object[]): Promise<unknown>;
  };
  const reader = await roles.create({ name: 'DSR reader', description: 'reads the register' });
  await roles.assignPermissions(reader.id, [
    { action: 'plugin::consent.dsr-read', subject: null, conditions: [], properties: {} },
  ]);
  const users = app.strapi.service('admin::user') as { create(data: object): Promise<unknown> };
  for (const [email, role] of [
    ['dsr.editor@example.com', editorRole.id],
    ['dsr.reader@example.com', reader.id],
  ] as const) {
    await users.create({
      email,
      firstname: 'Test',
      lastname: 'User',
      password: 'Register-pass-2026',
      isActive: true,
      registrationToken: null,
      roles: [role],
    });
  }
  editorToken = await login(app.http(), 'dsr.editor@example.com', 'Register-pass-2026');
  readerToken = await login(app.http(), 'dsr.reader@example.com', 'Register-pass-2026');
});
afterAll(async () => {
  clock().reset();
  await app?.stop();
  await smtp?.stop();
});

const clock = () =>
  app.strapi.plugin('consent').service('clock') as {
    now(): Date;
    advance(ms: number): void;
    reset(): void;
  };

const api = {
  create: (body: object, as = token) => app.http().post('/consent/dsr').set(auth(as)).send(body),
  get: (id: string, as = token) => app.http().get(`/consent/dsr/${id}`).set(auth(as)),
  list: (query: object = {}, as = token) =>
    app.http().get('/consent/dsr').query(query).set(auth(as)),
  transition: (id: string, body: object) =>
    app.http().post(`/consent/dsr/${id}/transition`).set(auth(token)).send(body),
  extend: (id: string, body: object) =>
    app.http().post(`/consent/dsr/${id}/extend`).set(auth(token)).send(body),
  link: (id: string, body: object) =>
    app.http().post(`/consent/dsr/${id}/actions`).set(auth(token)).send(body),
};

const counts = async () => ({
  requests: await rowCount(app.strapi, 'consent_dsr_requests'),
  history: await rowCount(app.strapi, 'consent_dsr_history'),
  submissions: await rowCount(app.strapi, 'consent_dsr_submissions'),
});

const expectStrapiError = (res: { status: number; body: unknown }, status: number) => {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ data: null, error: { status } });
};

describe('lifecycle', () => {
  it('goes received -> verified -> in_progress -> completed, refuses the rest with 409, and keeps every change in the history', async () => {
    const client = await createClient(app.strapi);
    const created = await api.create({
      kind: 'access',
      channel: 'email',
      contact: 'a@example.com',
    });
    expect(created.status).toBe(201);
    const id = created.body.data.documentId as string;
    expect(created.body.data).toMatchObject({ status: 'received', client: null, channel: 'email' });

    // Not before verification.
    for (const to of ['in_progress', 'completed', 'received'])
      expectStrapiError(await api.transition(id, { to }), 409);

    const verified = await api.transition(id, {
      to: 'verified',
      verificationMethod: 'photo ID at the desk',
      client,
    });
    expect(verified.status).toBe(200);
    expect(verified.body.data).toMatchObject({
      status: 'verified',
      client,
      verificationMethod: 'photo ID at the desk',
      verifiedBy: expect.any(String),
    });
    expect(verified.body.data.verifiedAt).toEqual(expect.any(String));
    expectStrapiError(await api.transition(id, { to: 'completed' }), 409);
    expect((await api.transition(id, { to: 'in_progress' })).status).toBe(200);
    const done = await api.transition(id, { to: 'completed', note: 'archive sent' });
    expect(done.status).toBe(200);
    expect(done.body.data.closedAt).toEqual(expect.any(String));

    // Closed: nothing more, no extension.
    expectStrapiError(await api.transition(id, { to: 'refused', reason: 'too late now' }), 409);
    expectStrapiError(await api.extend(id, { months: 1, reason: 'complex request' }), 409);

    const read = await api.get(id);
    expect(read.status).toBe(200);
    expect(
      read.body.data.history.map((h: { change: string; fromStatus: string; toStatus: string }) => [
        h.change,
        h.fromStatus,
        h.toStatus,
      ])
    ).toEqual([
      ['created', null, 'received'],
      ['transition', 'received', 'verified'],
      ['transition', 'verified', 'in_progress'],
      ['transition', 'in_progress', 'completed'],
    ]);
    for (const entry of read.body.data.history) {
      expect(entry).toMatchObject({ actorType: 'admin', actorId: expect.any(String) });
      expect(entry.occurredAt).toEqual(expect.any(String));
    }
    expect(read.body.data.history[1].details).toMatchObject({
      verificationMethod: 'photo ID at the desk',
      client,
    });
    expect(read.body.data.history[3].details).toMatchObject({ note: 'archive sent' });
  });

  it('refuses with a reason from any open status, and a refusal without one is a 400 that writes nothing', async () => {
    const id = (await api.create({ kind: 'erasure', channel: 'phone' })).body.data.documentId;
    const before = await counts();
    expectStrapiError(await api.transition(id, { to: 'refused' }), 400);
    expect(await counts()).toEqual(before);
    const refused = await api.transition(id, { to: 'refused', reason: 'manifestly unfounded' });
    expect(refused.status).toBe(200);
    expect(refused.body.data).toMatchObject({
      status: 'refused',
      refusalReason: 'manifestly unfounded',
    });
  });

  it('two changes at once: one succeeds, the other is a 409, and the history has one entry', async () => {
    const id = (await api.create({ kind: 'objection', channel: 'email' })).body.data.documentId;
    const results = await Promise.all(
      ['photo ID', 'video call'].map((verificationMethod) =>
        api.transition(id, { to: 'verified', verificationMethod })
      )
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const history = (await api.get(id)).body.data.history;
    expect(history.map((h: { change: string }) => h.change)).toEqual(['created', 'transition']);
  });

  it('the history is append-only', async () => {
    const query = app.strapi.db.query('plugin::consent.dsr-history');
    const entry = await query.findOne({ where: {} });
    await expect(query.update({ where: { id: entry.id }, data: { change: 'x' } })).rejects.toThrow(
      /append-only/
    );
    await expect(query.delete({ where: { id: entry.id } })).rejects.toThrow(/append-only/);
  });
});

describe('due date (Art. 12(3))', () => {
  it('is one calendar month after receipt, extendable once by up to two months with a reason', async () => {
    const res = await api.create({
      kind: 'portability',
      channel: 'desk',
      receivedAt: '2026-01-31T10:00:00.000Z',
    });
    expect(res.status).toBe(201);
    const id = res.body.data.documentId as string;
    expect(res.body.data.dueAt).toBe('2026-02-28T10:00:00.000Z');

    const before = await counts();
    expectStrapiError(await api.extend(id, { months: 3, reason: 'very complex' }), 400);
    expectStrapiError(await api.extend(id, { months: 2 }), 400);
    expect(await counts()).toEqual(before);

    const extended = await api.extend(id, { months: 2, reason: 'records in three systems' });
    expect(extended.status).toBe(200);
    expect(extended.body.data).toMatchObject({
      dueAt: '2026-04-30T10:00:00.000Z',
      extensionMonths: 2,
      extensionReason: 'records in three systems',
    });
    expectStrapiError(await api.extend(id, { months: 1, reason: 'once more' }), 409);
    const history = (await api.get(id)).body.data.history;
    expect(history.at(-1)).toMatchObject({
      change: 'extended',
      details: {
        months: 2,
        reason: 'records in three systems',
        from: '2026-02-28T10:00:00.000Z',
        to: '2026-04-30T10:00:00.000Z',
      },
    });
    expect(history).toHaveLength(2);
  });
});

describe('list, filters and the overview counts', () => {
  it('filters by status, kind, overdue and due within 7 days (moving the clock), keyset-paged', async () => {
    const client = await createClient(app.strapi);
    const mine = (query: object) =>
      api
        .list({ client, ...query })
        .then((r) => r.body.data.map((d: { documentId: string }) => d.documentId));
    const make = async (kind: string) =>
      (await api.create({ kind, channel: 'email', client })).body.data.documentId as string;
    const a = await make('objection');
    const b = await make('restriction');
    const c = await make('objection');
    await api.transition(c, { to: 'refused', reason: 'not a client of ours' });

    expect(await mine({})).toEqual([c, b, a]);
    expect(await mine({ kind: 'objection' })).toEqual([c, a]);
    expect(await mine({ status: 'received' })).toEqual([b, a]);
    expect(await mine({ due: 'overdue' })).toEqual([]);
    expect(await mine({ due: 'due_soon' })).toEqual([]);

    const page1 = await api.list({ client, limit: 2 });
    expect(page1.body.data.map((d: { documentId: string }) => d.documentId)).toEqual([c, b]);
    const page2 = await api.list({ client, limit: 2, before: page1.body.meta.next });
    expect(page2.body.data.map((d: { documentId: string }) => d.documentId)).toEqual([a]);
    expect(page2.body.meta.next).toBeNull();

    const overview = async () =>
      (await app.http().get('/consent/overview').set(auth(token))).body.data.dsr;
    const start = await overview();
    // 25 days on: a and b are due within 7 days (the refused one counts nowhere).
    clock().advance(25 * DAY);
    try {
      expect(await mine({ due: 'due_soon' })).toEqual([b, a]);
      expect(await mine({ due: 'overdue' })).toEqual([]);
      const soon = await overview();
      expect(soon.dueSoon).toBeGreaterThanOrEqual(2);
      // 35 days on: overdue.
      clock().advance(10 * DAY);
      expect(await mine({ due: 'overdue' })).toEqual([b, a]);
      expect(await mine({ due: 'due_soon' })).toEqual([]);
      const late = (await api.get(a)).body.data;
      expect(late.overdue).toBe(true);
      const after = await overview();
      expect(after.open).toBe(start.open);
      expect(after.overdue).toBeGreaterThanOrEqual(start.overdue + 2);
    } finally {
      clock().reset();
    }
  });

  it('the overview counts match the register', async () => {
    const res = await app.http().get('/consent/overview').set(auth(token));
    expect(res.status).toBe(200);
    const open = await app.strapi.db.query('plugin::consent.dsr-request').count({
      where: { status: { $in: ['received', 'verified', 'in_progress'] } },
    });
    expect(res.body.data.dsr).toMatchObject({ open: Number(open) });
  });
});

describe('linked actions', () => {
  it('links an access archive by document id; an unknown reference or one of another type is a 400 that writes nothing', async () => {
    const client = await createClient(app.strapi);
    const id = (await api.create({ kind: 'access', channel: 'email', client })).body.data
      .documentId as string;
    const archive = await download(
      app.http().get(`/consent/subjects/${client}/access-archive`).set(auth(token))
    );
    expect(archive.status).toBe(200);
    const audit = await app.strapi.db
      .query('plugin::consent.consent-audit')
      .findOne({ where: { action: 'export.access', subject: client } });

    const before = await counts();
    expectStrapiError(
      await api.link(id, { type: 'access_archive', reference: 'nosuchrecord' }),
      400
    );
    expectStrapiError(await api.link(id, { type: 'erasure', reference: audit.documentId }), 400);
    expect(await counts()).toEqual(before);

    const linked = await api.link(id, {
      type: 'access_archive',
      reference: audit.documentId,
      note: 'sent by email',
    });
    expect(linked.status).toBe(201);
    expect(linked.body.data.actions).toEqual([
      {
        type: 'access_archive',
        reference: audit.documentId,
        note: 'sent by email',
        linkedAt: expect.any(String),
      },
    ]);
    expect((await api.get(id)).body.data.history.at(-1)).toMatchObject({
      change: 'action_linked',
      details: { type: 'access_archive', reference: audit.documentId },
    });
  });
});

describe('a withdrawal linked to its consent event', () => {
  it("links the withdrawn event of the same client; a given event or another client's is refused", async () => {
    const client = await createClient(app.strapi);
    const other = await createClient(app.strapi);
    const record = async (subject: string, decision: string) => {
      const res = await recordDecisions(app, subject, {
        decisions: [{ purpose: 'marketing', decision }],
      });
      expect(res.status).toBe(201);
      return res.body.data.events[0].documentId as string;
    };
    const given = await record(client, 'given');
    const withdrawn = await record(client, 'withdrawn');
    await record(other, 'given');
    const othersWithdrawal = await record(other, 'withdrawn');
    const id = (await api.create({ kind: 'withdrawal', channel: 'phone', client })).body.data
      .documentId as string;
    expectStrapiError(await api.link(id, { type: 'consent_withdrawal', reference: given }), 400);
    expectStrapiError(
      await api.link(id, { type: 'consent_withdrawal', reference: othersWithdrawal }),
      400
    );
    const linked = await api.link(id, { type: 'consent_withdrawal', reference: withdrawn });
    expect(linked.status).toBe(201);
    expect(linked.body.data.actions).toEqual([
      expect.objectContaining({ type: 'consent_withdrawal', reference: withdrawn }),
    ]);
  });
});

describe('erasure of the client', () => {
  it('keeps the request in the register and links the erasure, without the address or free text', async () => {
    const email = `erase.me.${Date.now()}@example.com`;
    const client = await createClient(app.strapi, { email });
    const id = (
      await api.create({
        kind: 'erasure',
        channel: 'email',
        client,
        contact: email,
        details: `from ${email}`,
      })
    ).body.data.documentId as string;
    const erased = await app
      .http()
      .post(`/consent/subjects/${client}/erase`)
      .set(auth(token))
      .send({ reason: 'Art. 17 request in the register' });
    expect(erased.status).toBe(201);
    const linked = await api.link(id, { type: 'erasure', reference: erased.body.data.documentId });
    expect(linked.status).toBe(201);
    expect(linked.body.data).toMatchObject({ client, contact: null, details: null });
    expect(await rowCount(app.strapi, 'consent_dsr_requests', { contact: email })).toBe(0);
  });
});

describe('export for the supervisory authority', () => {
  it('CSV and XLSX hold the whole register, one row per request', async () => {
    const total = Number(await app.strapi.db.query('plugin::consent.dsr-request').count());
    const csv = await download(
      app.http().get('/consent/dsr/export').query({ format: 'csv' }).set(auth(readerToken))
    );
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = parseCsv((csv.body as Buffer).toString('utf8'));
    expect(rows[0].slice(0, 4)).toEqual(['documentId', 'kind', 'status', 'client']);
    expect(rows.length - 1).toBe(total);
    expect(
      rows.slice(1).some((r) => r[rows[0].indexOf('actions')].startsWith('access_archive:'))
    ).toBe(true);

    const xlsx = await download(
      app.http().get('/consent/dsr/export').query({ format: 'xlsx' }).set(auth(token))
    );
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Data-subject requests')!;
    expect(sheet.rowCount - 1).toBe(total);
    expect((sheet.getRow(1).values as unknown[]).slice(1, 3)).toEqual(['documentId', 'kind']);
    expectStrapiError(
      await app.http().get('/consent/dsr/export').query({ format: 'pdf' }).set(auth(token)),
      400
    );
  });
});

describe('RBAC and bad input', () => {
  it('a role without the actions gets 403; read without handle may read but not change', async () => {
    const id = (await api.create({ kind: 'access', channel: 'desk' })).body.data.documentId;
    expectStrapiError(await api.list({}, editorToken), 403);
    expectStrapiError(await api.get(id, editorToken), 403);
    expectStrapiError(await api.create({ kind: 'access', channel: 'desk' }, editorToken), 403);
    expect((await api.list({}, readerToken)).status).toBe(200);
    expect((await api.get(id, readerToken)).status).toBe(200);
    const before = await counts();
    expectStrapiError(await api.create({ kind: 'access', channel: 'desk' }, readerToken), 403);
    expectStrapiError(
      await app
        .http()
        .post(`/consent/dsr/${id}/transition`)
        .set(auth(readerToken))
        .send({ to: 'refused', reason: 'no reason at all' }),
      403
    );
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['an unknown kind', { kind: 'deletion', channel: 'email' }],
    ['an unknown channel', { kind: 'access', channel: 'fax' }],
    ['an unknown field', { kind: 'access', channel: 'email', priority: 'high' }],
    [
      'a receipt in the future',
      { kind: 'access', channel: 'email', receivedAt: '2099-01-01T00:00:00Z' },
    ],
    ['a malformed date', { kind: 'access', channel: 'email', receivedAt: 'yesterday' }],
    ['an unknown client', { kind: 'access', channel: 'email', client: 'nosuchclient' }],
  ])('%s: 400, nothing written', async (_, body) => {
    const before = await counts();
    expectStrapiError(await api.create(body), 400);
    expect(await counts()).toEqual(before);
  });

  it('an unknown request is a 404, a bad filter a 400', async () => {
    expectStrapiError(await api.get('nosuchrequest'), 404);
    expectStrapiError(
      await api.transition('nosuchrequest', { to: 'verified', verificationMethod: 'x ID' }),
      404
    );
    expectStrapiError(await api.list({ due: 'tomorrow' }), 400);
    expectStrapiError(await api.list({ status: 'open' }), 400);
  });
});

describe('the public form', () => {
  beforeEach(() => clock().advance(WINDOW_MS));

  const postForm = (path: string, fields: Record<string, string>, lang = 'en') =>
    app
      .http()
      .post(path)
      .set('Accept-Language', lang)
      .type('form')
      .send(new URLSearchParams(fields).toString());
  const linkIn = (text: string) => {
    const match = /\/api\/consent\/dsr\/c\/([A-Za-z0-9_-]{43})/.exec(text);
    if (!match) throw new Error(`no link in: ${text}`);
    return `/api/consent/dsr/c/${match[1]}`;
  };

  it('renders in en, da and sv and works without JavaScript', async () => {
    for (const [lang, word] of [
      ['en', 'Send request'],
      ['da', 'Send anmodning'],
      ['sv', 'Skicka begäran'],
    ]) {
      const res = await app.http().get('/api/consent/dsr').query({ lang });
      expect(res.status).toBe(200);
      expect(res.text).toContain(`<html lang="${lang}">`);
      expect(res.text).toContain(word);
      expect(res.text).toContain('<form method="post"');
      expect(res.text).not.toContain('<script');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('submit -> mail -> confirm link -> registered; known and unknown addresses get identical answers', async () => {
    const unique = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
    const knownEmail = `known.${unique}@example.com`;
    const unknownEmail = `nobody.${unique}@example.com`;
    const client = await createClient(app.strapi, { email: knownEmail, language: 'da' });
    const before = await counts();

    const submit = (email: string) =>
      postForm('/api/consent/dsr', {
        kind: 'erasure',
        email,
        details: 'Please erase me',
        lang: 'da',
      });
    const known = await submit(knownEmail.toUpperCase());
    const unknown = await submit(unknownEmail);
    for (const res of [known, unknown]) expect(res.status).toBe(303);
    expect(known.headers.location).toBe(unknown.headers.location);
    expect(known.text).toBe(unknown.text);
    const strip = (h: Record<string, string>) => {
      const { date: _date, ...rest } = h;
      return rest;
    };
    expect(strip(known.headers)).toEqual(strip(unknown.headers));
    const sent = await app.http().get('/api/consent/' + known.headers.location);
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('Tjek dine beskeder');

    // Held, not registered.
    expect(await counts()).toMatchObject({
      requests: before.requests,
      submissions: before.submissions + 2,
    });
    const knownMail = await smtp.waitFor((m) => m.to.includes(knownEmail));
    const unknownMail = await smtp.waitFor((m) => m.to.includes(unknownEmail));
    expect(knownMail.subject).toBe(unknownMail.subject);
    expect(knownMail.text).toContain('48 timer');
    const knownLink = linkIn(knownMail.text);
    // The token is stored hashed only.
    const raw = knownLink.split('/').pop()!;
    expect(await rowCount(app.strapi, 'consent_dsr_submissions', { token_hash: raw })).toBe(0);

    // Opening the link registers nothing (mail scanners open links).
    const opened = await app.http().get(knownLink);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('Bekræft min anmodning');
    expect((await counts()).requests).toBe(before.requests);

    const confirmed = await app.http().post(knownLink).type('form').send('');
    expect(confirmed.status).toBe(201);
    expect(confirmed.text).toContain('Din anmodning er registreret');
    const registered = await app.strapi.db
      .query('plugin::consent.dsr-request')
      .findOne({ where: { contact: knownEmail } });
    expect(registered).toMatchObject({
      kind: 'erasure',
      channel: 'public_form',
      status: 'received',
      client,
      details: 'Please erase me',
    });
    expect(confirmed.text).toContain(registered.documentId);
    const history = (await api.get(registered.documentId)).body.data.history;
    expect(history).toEqual([
      expect.objectContaining({
        change: 'created',
        actorType: 'subject',
        details: expect.objectContaining({ addressConfirmed: 'email', matched: 'client' }),
      }),
    ]);
    // A link confirms once.
    expect((await app.http().post(knownLink).type('form').send('')).status).toBe(404);

    const unknownConfirmed = await app.http().post(linkIn(unknownMail.text)).type('form').send('');
    expect(unknownConfirmed.status).toBe(201);
    const unidentified = await app.strapi.db
      .query('plugin::consent.dsr-request')
      .findOne({ where: { contact: unknownEmail } });
    expect(unidentified).toMatchObject({
      channel: 'public_form',
      client: null,
      status: 'received',
    });
    expect(await counts()).toMatchObject({
      requests: before.requests + 2,
      submissions: before.submissions,
    });
  });

  it('a link past its expiry or unknown opens the neutral page and registers nothing', async () => {
    const email = `late.${Date.now()}@example.com`;
    expect((await postForm('/api/consent/dsr', { kind: 'access', email })).status).toBe(303);
    const link = linkIn((await smtp.waitFor((m) => m.to.includes(email))).text);
    const before = await counts();
    clock().advance(49 * 60 * 60 * 1000);
    expect((await app.http().get(link)).status).toBe(404);
    expect((await app.http().post(link).type('form').send('')).status).toBe(404);
    expect(
      (await app.http().post('/api/consent/dsr/c/not-a-token').type('form').send('')).status
    ).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it('bad input: 400 with the errors on the form, nothing held, no mail', async () => {
    const before = await counts();
    const mails = smtp.messages.length;
    const res = await postForm(
      '/api/consent/dsr',
      { kind: 'everything', email: 'not-an-address' },
      'sv'
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('Det finns ett problem');
    expect(res.text).toContain('Välj vad du begär');
    expect(res.text).toContain('Skriv en e-postadress');
    expect(res.text).toContain('value="not-an-address"');
    const empty = await postForm('/api/consent/dsr', { kind: 'access' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Enter your email address');
    expect(await counts()).toEqual(before);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.messages.length).toBe(mails);
  });

  it('is rate-limited per address: 429 with Retry-After', async () => {
    for (let i = 0; i < RATE_LIMIT; i += 1)
      expect((await postForm('/api/consent/dsr', { kind: 'x' })).status).toBe(400);
    const limited = await postForm('/api/consent/dsr', { kind: 'access', email: 'a@example.com' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await app.http().get('/api/consent/dsr')).status).toBe(429);
  });
});
