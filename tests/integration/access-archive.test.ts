import { EXPORT_FIELDS } from '../../server/src/proof';
import { startApp, type TestApp } from '../helpers/app';
import { auth, createClient, recordDecisions } from '../helpers/consent';
import { download, parseCsv, unzip } from '../helpers/downloads';

/**
 * The subject access archive (GET /consent/subjects/:subject/access-archive) on the
 * real demo app: a ZIP read back with yauzl, holding the client, their bookings
 * (and no one else's), their consent events and states, their requests (no token
 * hashes) and the purposes with their legal bases; the export is audited with counts.
 */
let app: TestApp;
let token: string;
let client: string;
let other: string;
const email = `archive.${Date.now()}@example.com`;

const booking = (clientId: string, service: string, notes: string | null = null) =>
  app.strapi.documents('api::booking.booking').create({
    data: { client: clientId, startsAt: '2026-12-15T10:00:00.000Z', service, notes } as never,
  });

beforeAll(async () => {
  app = await startApp({ env: { CONSENT_WORKER: 'false' } });
  token = await app.adminToken();
  client = await createClient(app.strapi, { name: 'Archive Client', email, phone: '+4533445566' });
  other = await createClient(app.strapi, { name: 'Someone Else' });
  await booking(client, 'Haircut', 'Prefers mornings, "no" dye');
  await booking(client, 'Colour, full');
  await booking(other, 'Other client service');
  await recordDecisions(app, client, {
    decisions: [
      { purpose: 'storage', decision: 'given' },
      { purpose: 'marketing', decision: 'refused' },
    ],
    note: 'at the desk',
  });
  const ask = await app
    .http()
    .post(`/consent/subjects/${client}/requests`)
    .set(auth(token))
    .send({});
  expect(ask.status).toBe(201);
});
afterAll(async () => {
  await app?.stop();
});

const archive = async (subject = client) => {
  const res = await download(
    app.http().get(`/consent/subjects/${subject}/access-archive`).set(auth(token))
  );
  return {
    res,
    files: res.status === 200 ? await unzip(res.body as Buffer) : new Map<string, Buffer>(),
  };
};
const json = (files: Map<string, Buffer>, name: string) =>
  JSON.parse((files.get(name) as Buffer).toString('utf8'));
const csv = (files: Map<string, Buffer>, name: string) =>
  parseCsv((files.get(name) as Buffer).toString('utf8'));

describe('subject access archive', () => {
  let files: Map<string, Buffer>;

  beforeAll(async () => {
    const { res, files: read } = await archive();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="access-archive-${client}.zip"`
    );
    files = read;
  });

  it('holds the files the README describes', () => {
    expect([...files.keys()].sort()).toEqual(
      [
        'README.txt',
        'client.json',
        'bookings.json',
        'bookings.csv',
        'consent-events.json',
        'consent-events.csv',
        'consent-states.json',
        'requests.json',
        'requests.csv',
        'purposes.json',
        'purposes.csv',
      ].sort()
    );
    const readme = (files.get('README.txt') as Buffer).toString('utf8');
    for (const name of files.keys())
      if (name !== 'README.txt') expect(readme).toContain(name.replace(/\.(json|csv)$/, ''));
    expect(readme).toContain(`Client: ${client}`);
    expect(readme).toMatch(/Controller: /);
  });

  it('client.json: the client as held, its own fields, relations as ids, nothing private', async () => {
    const record = json(files, 'client.json');
    expect(record).toMatchObject({
      documentId: client,
      name: 'Archive Client',
      email,
      phone: '+4533445566',
      language: 'en',
    });
    expect(record.bookings).toHaveLength(2);
    expect(JSON.stringify(record)).not.toMatch(/password|resetPasswordToken|confirmationToken/);
  });

  it("bookings.json and .csv: exactly the client's bookings, with their personal fields (the configured notes)", async () => {
    const bookings = json(files, 'bookings.json') as Record<string, unknown>[];
    expect(bookings.map((b) => b.service).sort()).toEqual(['Colour, full', 'Haircut']);
    expect(bookings.every((b) => b.type === 'api::booking.booking' && b.client === client)).toBe(
      true
    );
    expect(bookings.find((b) => b.service === 'Haircut')?.notes).toBe('Prefers mornings, "no" dye');
    const [header, ...rows] = csv(files, 'bookings.csv');
    expect(header).toEqual(
      expect.arrayContaining(['type', 'documentId', 'service', 'startsAt', 'client', 'notes'])
    );
    expect(rows.map((r) => r[header.indexOf('service')]).sort()).toEqual([
      'Colour, full',
      'Haircut',
    ]);
    expect(
      rows.find((r) => r[header.indexOf('service')] === 'Haircut')?.[header.indexOf('notes')]
    ).toBe('Prefers mornings, "no" dye');
    expect(JSON.stringify(bookings)).not.toContain('Other client service');
  });

  it("consent events, states and requests are the client's, requests without token hashes", async () => {
    const events = json(files, 'consent-events.json') as Record<string, unknown>[];
    expect(events.map((e) => [e.purposeKey, e.decision])).toEqual([
      ['storage', 'given'],
      ['marketing', 'refused'],
    ]);
    expect(Object.keys(events[0])).toEqual([...EXPORT_FIELDS]);
    const [header, ...rows] = csv(files, 'consent-events.csv');
    expect(header).toEqual([...EXPORT_FIELDS]);
    expect(rows).toHaveLength(2);
    expect(json(files, 'consent-states.json')).toMatchObject({ subject: client, valid: true });
    const requests = json(files, 'requests.json') as Record<string, unknown>[];
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ status: 'queued', kind: 'consent' });
    const text =
      (files.get('requests.json') as Buffer).toString('utf8') +
      (files.get('requests.csv') as Buffer).toString('utf8');
    expect(text).not.toMatch(/token|lease/i);
    const tokenHashes = (await app.strapi.db.connection('consent_tokens').select('token_hash')) as {
      token_hash: string;
    }[];
    for (const t of tokenHashes)
      for (const file of files.values()) expect(file.toString('utf8')).not.toContain(t.token_hash);
  });

  it('purposes.json/.csv: every purpose with its legal basis (Art. 30 style)', async () => {
    const purposes = json(files, 'purposes.json') as Record<string, unknown>[];
    const seeded = (await app.strapi.db.query('plugin::consent.purpose').findMany({})) as {
      key: string;
      legalBasis: string;
    }[];
    expect(purposes.map((p) => p.key).sort()).toEqual(seeded.map((p) => p.key).sort());
    const storage = purposes.find((p) => p.key === 'storage');
    expect(storage).toMatchObject({
      legalBasis: 'consent',
      gdprArticle: 'GDPR A6-1-a',
      dpvLegalBasis: 'dpv:Consent',
      required: true,
    });
    expect(String(storage?.retention)).toContain('until consent is withdrawn');
    const [header, ...rows] = csv(files, 'purposes.csv');
    expect(header).toEqual(
      expect.arrayContaining([
        'key',
        'name',
        'legalBasis',
        'specialCategory',
        'required',
        'currentVersion',
        'retention',
      ])
    );
    expect(rows).toHaveLength(purposes.length);
  });

  it('is audited with counts and no personal data', async () => {
    const rows = (await app.strapi.db
      .query('plugin::consent.consent-audit')
      .findMany({ where: { action: 'export.access', subject: client } })) as {
      details: Record<string, unknown>;
    }[];
    expect(rows).toHaveLength(1);
    expect(rows[0].details).toMatchObject({
      records: { 'api::booking.booking': 2 },
      events: 2,
      requests: 1,
    });
    expect(JSON.stringify(rows)).not.toContain(email);
  });

  it('a client with nothing but their record gets a valid archive with empty lists', async () => {
    const bare = await createClient(app.strapi);
    const { res, files: empty } = await archive(bare);
    expect(res.status).toBe(200);
    expect(json(empty, 'bookings.json')).toEqual([]);
    expect(json(empty, 'consent-events.json')).toEqual([]);
    expect(csv(empty, 'consent-events.csv')).toEqual([[...EXPORT_FIELDS]]);
  });

  it("an unknown client is a 404 in Strapi's error shape, and nothing is audited", async () => {
    const before = await app.strapi.db
      .query('plugin::consent.consent-audit')
      .count({ where: { action: 'export.access' } });
    const res = await app
      .http()
      .get('/consent/subjects/nosuchclient/access-archive')
      .set(auth(token));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ data: null, error: { status: 404, name: 'NotFoundError' } });
    expect(
      await app.strapi.db
        .query('plugin::consent.consent-audit')
        .count({ where: { action: 'export.access' } })
    ).toBe(before);
  });
});
