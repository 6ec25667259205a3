import { randomBytes } from 'node:crypto';
import { startApp, type TestApp } from '../helpers/app';
import { bookTrusted, book, currentTexts, newContact, clientByEmail } from '../helpers/booking';
import { parseCsv } from '../helpers/downloads';
import {
  auth,
  bodies,
  createClient,
  ledgerCounts,
  publishVersion,
  recordDecisions,
  subjectConsent,
  subjectsByConsent,
} from '../helpers/consent';

/**
 * The admin API behind the consent screens, over HTTP on the real demo app:
 * the clients list by consent state (keyset pages, search), statuses, the
 * overview, the text version preview, annul with a reason, the history export
 * and a campaign for a list filter. Clients are put in each state through the
 * real API (booking, in-person record, withdraw, refuse, annul, a substantive
 * version, a request).
 */
let app: TestApp;
let token: string;
beforeAll(async () => {
  app = await startApp({ env: { CONSENT_WORKER: 'false', CONSENT_RATE_LIMIT_MAX: '1000' } });
  token = await app.adminToken();
});
afterAll(async () => {
  await app?.stop();
});

const get = (path: string, query: Record<string, unknown> = {}) =>
  app.http().get(path).query(query).set(auth(token));
const post = (path: string, body: object) => app.http().post(path).set(auth(token)).send(body);

const STATES = [
  'all',
  'valid',
  'invalid',
  'missing',
  'outdated',
  'pending',
  'refused',
  'withdrawn',
  'revoked',
  'expired',
] as const;
type State = (typeof STATES)[number];

interface Item {
  documentId: string;
  name: string;
  email: string | null;
  status: string;
  valid: boolean;
  lastDecisionAt: string | null;
  lastRequest: {
    status: string;
    channel: string | null;
    sentAt: string | null;
    createdAt: string;
  } | null;
}

/** Every client of a state (and search), following meta.next; checks that pages neither overlap nor go backwards. */
const listAll = async (state: State, q?: string, limit = 200): Promise<Item[]> => {
  const items: Item[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page += 1) {
    const res = await get('/consent/clients', {
      state,
      limit,
      ...(q ? { q } : {}),
      ...(cursor ? { cursor } : {}),
    });
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.data);
    if (res.body.meta.next === null) break;
    expect(res.body.data).toHaveLength(limit);
    cursor = res.body.meta.next;
  }
  const ids = items.map((i) => i.documentId);
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual(ids);
  return items;
};

/** A fresh tag: the clients of this file are named after it, so a search isolates them from the seed. */
const tag = `zq${randomBytes(4).toString('hex')}`;
const c: Record<string, string> = {};

describe('clients in every consent state', () => {
  beforeAll(async () => {
    const name = (label: string) => `Client ${label} ${tag}`;
    // A: consent with a booking (valid, later outdated, then valid again with a second booking).
    const contactA = newContact({ name: name('A booking'), language: 'en' });
    const texts = await currentTexts(app, 'en');
    expect(
      (
        await book(app, {
          contact: contactA,
          consent: { given: ['storage'], versions: { storage: texts.storage.version } },
        })
      ).status
    ).toBe(201);
    c.a = (await clientByEmail(app, contactA.email as string)).documentId;
    // B: consent given in person (outdated after the substantive version).
    c.b = await createClient(app.strapi, { name: name('B in person') });
    expect(
      (await recordDecisions(app, c.b, { decisions: [{ purpose: 'storage', decision: 'given' }] }))
        .status
    ).toBe(201);
    // C: given, then withdrawn.
    c.c = await createClient(app.strapi, { name: name('C withdrawn') });
    await recordDecisions(app, c.c, {
      decisions: [{ purpose: 'storage', decision: 'given' }],
      channel: 'web_form',
    });
    expect(
      (
        await recordDecisions(app, c.c, {
          decisions: [{ purpose: 'storage', decision: 'withdrawn' }],
          channel: 'web_form',
        })
      ).status
    ).toBe(201);
    // D: refused.
    c.d = await createClient(app.strapi, { name: name('D refused') });
    expect(
      (
        await recordDecisions(app, c.d, {
          decisions: [{ purpose: 'storage', decision: 'refused' }],
        })
      ).status
    ).toBe(201);
    // E: no decision at all.
    c.e = await createClient(app.strapi, {
      name: name('E missing'),
      phone: '+4512345678',
      email: null,
    });
    // F: given, then annulled by staff with a reason (which looks like a spreadsheet formula).
    c.f = await createClient(app.strapi, { name: name('F revoked') });
    await recordDecisions(app, c.f, { decisions: [{ purpose: 'storage', decision: 'given' }] });
    expect(
      (
        await recordDecisions(app, c.f, {
          decisions: [{ purpose: 'storage', decision: 'revoked' }],
          note: '=HYPERLINK("http://x","signed by someone else")',
        })
      ).status
    ).toBe(201);
    // G: a request that lapsed unanswered.
    c.g = await createClient(app.strapi, { name: name('G expired') });
    expect(
      (
        await recordDecisions(app, c.g, {
          decisions: [{ purpose: 'storage', decision: 'expired' }],
          channel: 'system',
        })
      ).status
    ).toBe(201);
    // H: no decision, an open request (the worker is off: it stays queued).
    c.h = await createClient(app.strapi, { name: name('H pending') });
    expect((await post(`/consent/subjects/${c.h}/requests`, {})).status).toBe(201);
  });

  it('preview: the next version, a line diff per locale and the clients who would lose valid consent; nothing written', async () => {
    const before = await ledgerCounts(app.strapi);
    const versions = await get('/consent/purposes/storage/versions');
    const overview = await get('/consent/overview');
    const validNow = overview.body.data.counts.valid;
    expect(validNow).toBeGreaterThan(2);

    const current = texts(versions.body.data.versions);
    const changed = {
      ...bodies('preview'),
      en: { title: current.en.title, text: `${current.en.text}\nA new last line.` },
    };
    const res = await post('/consent/purposes/storage/versions/preview', {
      changeKind: 'substantive',
      bodies: changed,
    });
    expect(res.status).toBe(200);
    const [major, minor] = current.version.split('.').map(Number);
    expect(res.body.data).toMatchObject({
      purpose: 'storage',
      currentVersion: `${major}.${minor}`,
      nextVersion: `${major + 1}.0`,
      changeKind: 'substantive',
      affected: { clients: validNow },
    });
    const en = res.body.data.diff.find((d: { locale: string }) => d.locale === 'en');
    expect(en.title).toEqual({ from: current.en.title, to: current.en.title });
    expect(en.lines.filter((l: { op: string }) => l.op !== 'same')).toEqual([
      { op: 'add', text: 'A new last line.' },
    ]);
    const da = res.body.data.diff.find((d: { locale: string }) => d.locale === 'da');
    expect(da.lines).toEqual(expect.arrayContaining([{ op: 'add', text: 'Dansk tekst preview' }]));
    expect(da.lines.some((l: { op: string }) => l.op === 'remove')).toBe(true);

    const editorial = await post('/consent/purposes/storage/versions/preview', {
      changeKind: 'editorial',
      bodies: changed,
    });
    expect(editorial.body.data).toMatchObject({
      nextVersion: `${major}.${minor + 1}`,
      changeKind: 'editorial',
      affected: { clients: 0 },
    });
    const optional = await post('/consent/purposes/marketing/versions/preview', {
      changeKind: 'substantive',
      bodies: bodies('m'),
    });
    expect(optional.status).toBe(200);
    expect(optional.body.data.affected.clients).toBe(0);
    expect(optional.body.data.affected.description).toMatch(/not a required purpose/i);

    expect(await ledgerCounts(app.strapi)).toEqual(before);
    expect((await get('/consent/purposes/storage/versions')).body.data.versions).toHaveLength(
      versions.body.data.versions.length
    );
  });

  it('preview: the size of the change per locale; an editorial change of most of the text is flagged large', async () => {
    const versions = await get('/consent/purposes/storage/versions');
    const current = texts(versions.body.data.versions);
    const all = versions.body.data.versions[0].bodies as Record<
      string,
      { title: string; text: string }
    >;
    // One word fixed in the English text, the other locales as they are: a small editorial change.
    const words = current.en.text.split(' ');
    const typo = {
      ...Object.fromEntries(
        Object.entries(all).map(([l, b]) => [l, { title: b.title, text: b.text }])
      ),
      en: {
        title: current.en.title,
        text: [...words.slice(0, -1), `${words[words.length - 1]}!`].join(' '),
      },
    };
    const small = await post('/consent/purposes/storage/versions/preview', {
      changeKind: 'editorial',
      bodies: typo,
    });
    expect(small.status).toBe(200);
    const en = small.body.data.diff.find((d: { locale: string }) => d.locale === 'en');
    expect(en.change).toMatchObject({ removed: 1, added: 1, unit: 'word' });
    expect(en.change.share).toBeGreaterThan(0);
    expect(en.change.share).toBeLessThan(0.2);
    expect(small.body.data.change).toEqual({
      share: en.change.share,
      limit: 0.2,
      large: false,
    });
    // A different text published as "editorial": flagged for the editor to confirm.
    const rewritten = await post('/consent/purposes/storage/versions/preview', {
      changeKind: 'editorial',
      bodies: {
        ...typo,
        en: { title: 'Something else', text: 'We may sell your data to partners of our choosing.' },
      },
    });
    expect(rewritten.body.data.change.large).toBe(true);
    expect(rewritten.body.data.change.share).toBeGreaterThan(0.8);
    // The same text as substantive: a large change is what substantive is for, no flag.
    const substantive = await post('/consent/purposes/storage/versions/preview', {
      changeKind: 'substantive',
      bodies: {
        ...typo,
        en: { title: 'Something else', text: 'We may sell your data to partners of our choosing.' },
      },
    });
    expect(substantive.body.data.change.large).toBe(false);
  });

  it('preview: bad input is a 400 and an unknown purpose a 404', async () => {
    for (const body of [
      {},
      { changeKind: 'big', bodies: bodies('x') },
      { changeKind: 'editorial', bodies: { xx: { title: 't', text: 't' } } },
      { changeKind: 'editorial', bodies: { da: { title: 't', text: 't' } } },
    ]) {
      const res = await post('/consent/purposes/storage/versions/preview', body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        data: null,
        error: { status: 400, name: 'ValidationError' },
      });
    }
    expect(
      (
        await post('/consent/purposes/nope/versions/preview', {
          changeKind: 'editorial',
          bodies: bodies('x'),
        })
      ).status
    ).toBe(404);
  });

  it('after a substantive version, each filter gives exactly its clients', async () => {
    const shown = await currentTexts(app, 'en');
    expect(
      (
        await publishVersion(app, 'storage', {
          changeKind: 'substantive',
          bodies: bodies('list test'),
        })
      ).status
    ).toBe(201);
    const again = await currentTexts(app, 'en');
    expect(again.storage.version).not.toBe(shown.storage.version);
    const contactA = (await app.strapi
      .documents('api::client.client')
      .findOne({ documentId: c.a })) as unknown as { email: string; name: string };
    const rebook = await bookTrusted(app, {
      contact: { name: contactA.name, email: contactA.email },
      consent: { given: ['storage'], versions: { storage: again.storage.version } },
    });
    expect(rebook.status).toBe(201);

    const expected: Record<State, string[]> = {
      all: Object.values(c),
      valid: [c.a],
      invalid: Object.values(c).filter((id) => id !== c.a),
      missing: [c.e, c.h],
      outdated: [c.b],
      pending: [c.h],
      refused: [c.d],
      withdrawn: [c.c],
      revoked: [c.f],
      expired: [c.g],
    };
    for (const state of STATES) {
      const ids = (await listAll(state, tag)).map((i) => i.documentId);
      expect({ state, ids: [...ids].sort() }).toEqual({ state, ids: [...expected[state]].sort() });
    }
  });

  it('items carry the status the subject page shows, the last decision and the last request', async () => {
    const items = await listAll('all', tag);
    for (const item of items) {
      const consent = await subjectConsent(app, item.documentId);
      expect({ id: item.documentId, status: item.status, valid: item.valid }).toEqual({
        id: item.documentId,
        status: consent.status,
        valid: consent.valid,
      });
    }
    const byId = new Map(items.map((i) => [i.documentId, i]));
    expect(byId.get(c.b)).toMatchObject({
      name: `Client B in person ${tag}`,
      status: 'outdated',
      valid: false,
      lastRequest: null,
    });
    expect(byId.get(c.b)?.lastDecisionAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    expect(byId.get(c.e)).toMatchObject({
      email: null,
      phone: '+4512345678',
      lastDecisionAt: null,
      status: 'missing',
    });
    expect(byId.get(c.h)?.lastRequest).toMatchObject({
      status: 'queued',
      sentAt: null,
      createdAt: expect.any(String),
    });
  });

  it('keyset pages of 1 and of 3 give the same clients as one page, without overlap or gaps', async () => {
    const one = (await listAll('all', tag, 200)).map((i) => i.documentId);
    expect((await listAll('all', tag, 1)).map((i) => i.documentId)).toEqual(one);
    expect((await listAll('all', tag, 3)).map((i) => i.documentId)).toEqual(one);
    expect((await listAll('invalid', tag, 2)).map((i) => i.documentId)).toEqual(
      one.filter((id) => id !== c.a)
    );
  });

  it('"valid" and "invalid" agree with /consent/subjects over the whole table (seed included)', async () => {
    for (const consent of ['valid', 'invalid'] as const) {
      const fromSubjects = await subjectsByConsent(app, consent);
      const fromClients = (await listAll(consent, undefined, 7)).map((i) => i.documentId);
      expect([...fromClients].sort()).toEqual([...fromSubjects].sort());
    }
  });

  it('search: case-insensitive contains on name, email and phone; % and _ are literal', async () => {
    expect(
      (await listAll('all', `B IN PERSON ${tag.toUpperCase()}`)).map((i) => i.documentId)
    ).toEqual([c.b]);
    expect((await listAll('all', '4512345678')).map((i) => i.documentId)).toEqual([c.e]);
    const email = (
      (await app.strapi
        .documents('api::client.client')
        .findOne({ documentId: c.d })) as unknown as { email: string }
    ).email;
    expect((await listAll('all', email.toUpperCase())).map((i) => i.documentId)).toEqual([c.d]);
    expect(await listAll('all', `${tag}%`)).toEqual([]);
    expect(await listAll('all', '_')).toEqual([]);
    expect((await listAll('refused', tag)).map((i) => i.documentId)).toEqual([c.d]);
  });

  it('bad list input is a 400 in Strapi error shape', async () => {
    for (const query of [
      { state: 'nope' },
      { limit: 0 },
      { limit: 201 },
      { limit: 'x' },
      { cursor: '!!!' },
      { cursor: Buffer.from('a b').toString('base64url') },
      { extra: 1 },
      { q: 'x'.repeat(201) },
    ]) {
      const res = await get('/consent/clients', query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body).toMatchObject({
        data: null,
        error: { status: 400, name: 'ValidationError' },
      });
    }
  });

  it('statuses: status and validity per document id, "missing" for a client without decisions', async () => {
    const res = await get('/consent/subjects/statuses', {
      documentIds: [c.a, c.b, c.e, c.f].join(','),
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      [c.a]: { status: 'valid', valid: true },
      [c.b]: { status: 'outdated', valid: false },
      [c.e]: { status: 'missing', valid: false },
      [c.f]: { status: 'revoked', valid: false },
    });
    expect((await get('/consent/subjects/statuses')).status).toBe(400);
    expect((await get('/consent/subjects/statuses', { documentIds: ',' })).status).toBe(400);
    expect((await get('/consent/subjects/statuses', { documentIds: 'a b' })).status).toBe(400);
    const tooMany = Array.from({ length: 101 }, (_, i) => `id${i}`).join(',');
    expect((await get('/consent/subjects/statuses', { documentIds: tooMany })).status).toBe(400);
  });

  it('overview: counts per state equal the list filters, a trend per day, running campaigns', async () => {
    const campaign = await post('/consent/campaigns', {
      name: `Refused ${tag}`,
      audience: { state: 'refused', q: tag },
    });
    expect(campaign.status).toBe(201);
    const res = await get('/consent/overview', { days: 7 });
    expect(res.status).toBe(200);
    const { counts, trend, campaigns } = res.body.data;
    for (const state of STATES) {
      const key = state === 'all' ? 'total' : state;
      expect({ state, n: counts[key] }).toEqual({ state, n: (await listAll(state)).length });
    }
    expect(counts.valid + counts.invalid).toBe(counts.total);

    expect(trend).toHaveLength(7);
    const today = new Date().toISOString().slice(0, 10);
    expect(trend[6].date).toBe(today);
    expect(trend[0].date).toBe(
      new Date(Date.parse(today) - 6 * 86_400_000).toISOString().slice(0, 10)
    );
    const since = new Date(Date.parse(trend[0].date));
    const count = (decision: string) =>
      app.strapi.db
        .query('plugin::consent.consent-event')
        .count({ where: { decision, occurredAt: { $gte: since } } });
    expect(trend.reduce((n: number, d: { given: number }) => n + d.given, 0)).toBe(
      await count('given')
    );
    expect(trend.reduce((n: number, d: { withdrawn: number }) => n + d.withdrawn, 0)).toBe(
      await count('withdrawn')
    );
    expect(trend[6].withdrawn).toBeGreaterThanOrEqual(1);

    expect(campaigns).toEqual(
      expect.arrayContaining([
        {
          documentId: campaign.body.data.documentId,
          name: `Refused ${tag}`,
          status: 'running',
          total: 1,
          counts: {
            queued: 1,
            sent: 0,
            approved: 0,
            declined: 0,
            expired: 0,
            failed: 0,
            cancelled: 0,
          },
        },
      ])
    );
    for (const days of [0, 367, 'x'])
      expect((await get('/consent/overview', { days })).status).toBe(400);
  });

  it("a campaign for a filter asks exactly the clients of the filter, set-based; a pending client's open request is superseded", async () => {
    const requests = (subject: string) =>
      app.strapi.db
        .connection('consent_requests')
        .where({ subject, kind: 'consent' })
        .orderBy('id');
    // Pending now: H (its own request) and D (the "refused" campaign of the test before asked D).
    expect((await listAll('pending', tag)).map((i) => i.documentId).sort()).toEqual(
      [c.d, c.h].sort()
    );
    const res = await post('/consent/campaigns', {
      name: `Pending ${tag}`,
      audience: { state: 'pending', q: tag },
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ total: 2, audience: { state: 'pending', q: tag } });
    const rows = await requests(c.h);
    expect(
      rows.map((r: { status: string; campaign: string | null }) => [r.status, r.campaign])
    ).toEqual([
      ['cancelled', null],
      ['queued', res.body.data.documentId],
    ]);
    expect((await listAll('pending', tag)).map((i) => i.documentId).sort()).toEqual(
      [c.d, c.h].sort()
    );

    const invalid = await post('/consent/campaigns', {
      name: `Missing ${tag}`,
      audience: { state: 'missing', q: tag },
    });
    expect(invalid.body.data.total).toBe(2);
    for (const audience of [
      { state: 'bogus' },
      { state: 'valid', q: 1 },
      { state: 'valid', extra: true },
    ]) {
      expect((await post('/consent/campaigns', { name: 'x', audience })).status).toBe(400);
    }
  });
});

describe('annulling a consent', () => {
  it('needs a reason: without a note it is a 400 and nothing is written', async () => {
    const client = await createClient(app.strapi);
    await recordDecisions(app, client, { decisions: [{ purpose: 'storage', decision: 'given' }] });
    const before = await ledgerCounts(app.strapi);
    for (const note of [undefined, '', '   ']) {
      const res = await recordDecisions(app, client, {
        decisions: [{ purpose: 'storage', decision: 'revoked' }],
        ...(note === undefined ? {} : { note }),
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        status: 400,
        name: 'ValidationError',
        details: { errors: [expect.objectContaining({ path: ['note'] })] },
      });
    }
    expect(await ledgerCounts(app.strapi)).toEqual(before);
    const ok = await recordDecisions(app, client, {
      decisions: [{ purpose: 'storage', decision: 'revoked' }],
      note: 'Consent signed by a relative',
    });
    expect(ok.status).toBe(201);
    expect(ok.body.data.events[0]).toMatchObject({
      decision: 'revoked',
      actorType: 'admin',
      note: 'Consent signed by a relative',
    });
    expect(ok.body.data.consent).toMatchObject({ valid: false, status: 'revoked' });
  });
});

describe("exporting a client's history", () => {
  it('CSV: an attachment with a header row and one row per event, formula-safe', async () => {
    const res = await get(`/consent/subjects/${c.f}/export`, { format: 'csv' })
      .buffer(true)
      .parse((r, cb) => {
        let data = '';
        r.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
        r.on('end', () => cb(null, data));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="consent-history-${c.f}.csv"`
    );
    const rows = parseCsv(res.body as string);
    const [header, ...events] = rows;
    expect(header).toEqual(
      expect.arrayContaining([
        'occurredAt',
        'purposeKey',
        'decision',
        'textVersion',
        'textHash',
        'channel',
        'actorType',
        'actorName',
        'note',
      ])
    );
    expect(events).toHaveLength(2);
    const col = (name: string) => events.map((e) => e[header.indexOf(name)]);
    expect(col('decision')).toEqual(['given', 'revoked']);
    expect(col('note')[1]).toBe(`'=HYPERLINK("http://x","signed by someone else")`);
    expect(col('actorType')).toEqual(['admin', 'admin']);
  });

  it('JSON: the same events, in order, untouched', async () => {
    const res = await get(`/consent/subjects/${c.c}/export`, { format: 'json' }).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="consent-history-${c.c}.json"`
    );
    const body =
      typeof res.body === 'object' && !Buffer.isBuffer(res.body) && Object.keys(res.body).length
        ? res.body
        : JSON.parse(res.text);
    expect(body.subject).toBe(c.c);
    expect(
      body.events.map((e: { decision: string; channel: string }) => [e.decision, e.channel])
    ).toEqual([
      ['given', 'web_form'],
      ['withdrawn', 'web_form'],
    ]);
    const fromApi = await get(`/consent/subjects/${c.c}/events`);
    expect(body.events.map((e: { id: number }) => e.id)).toEqual(
      fromApi.body.data.map((e: { id: number }) => e.id).reverse()
    );
  });

  it('an unknown client is a 404, an unknown format a 400', async () => {
    expect((await get('/consent/subjects/nosuchclient/export')).status).toBe(404);
    expect((await get(`/consent/subjects/${c.c}/export`, { format: 'xml' })).status).toBe(400);
  });
});

/** The current version of a purpose and its English body, from GET /versions (the highest version). */
const texts = (
  versions: {
    version: string;
    major: number;
    minor: number;
    bodies: Record<string, { title: string; text: string }>;
  }[]
) => {
  const latest = [...versions].sort((x, y) => y.major - x.major || y.minor - x.minor)[0];
  return { version: latest.version, en: latest.bodies.en };
};
