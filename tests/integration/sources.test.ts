import ExcelJS from 'exceljs';
import { EXPORT_FIELDS } from '../../server/src/proof';
import { startApp, type TestApp } from '../helpers/app';
import { auth, createClient, ledgerCounts, recordDecisions } from '../helpers/consent';
import { download, parseCsv } from '../helpers/downloads';

/**
 * Sources (collection points) over HTTP on the demo app: the list in Settings (defaults,
 * validation with nothing written, partial updates), the source of a consent registered in
 * person, and the events listed and exported by source across clients and per client.
 */
let app: TestApp;
let token: string;
let ann: string;
let bob: string;

beforeAll(async () => {
  app = await startApp({ env: { CONSENT_WORKER: 'false' } });
  token = await app.adminToken();
  ann = await createClient(app.strapi, { name: 'Ann at the fair' });
  bob = await createClient(app.strapi, { name: 'Bob on the phone' });
});
afterAll(async () => {
  await app?.stop();
});

const get = () => app.http().get('/consent/settings').set(auth(token));
const put = (body: unknown) =>
  app
    .http()
    .put('/consent/settings')
    .set(auth(token))
    .send(body as object);
const stored = () =>
  app.strapi
    .store({ type: 'plugin', name: 'consent', key: 'settings' })
    .get({}) as Promise<unknown>;

const SOURCES = [
  { key: 'fair', label: 'Wedding fair 2026', labels: { da: 'Bryllupsmesse 2026' } },
  { key: 'desk', label: 'Front desk' },
  { key: 'phone', label: 'Phone call' },
];

describe('the sources setting', () => {
  it('starts with desk, phone, web form and fair, desk first', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body.data.sources.map((s: { key: string }) => s.key)).toEqual([
      'desk',
      'phone',
      'web_form',
      'fair',
    ]);
    expect(res.body.data.sources[0]).toMatchObject({ key: 'desk', label: 'At the desk' });
  });

  it.each([
    ['a duplicate key', [SOURCES[0], { key: 'fair', label: 'Again' }], ['sources', '1', 'key']],
    ['a key with spaces', [{ key: 'the fair', label: 'Fair' }], ['sources', '0', 'key']],
    ['a key of 65 characters', [{ key: 'a'.repeat(65), label: 'Long' }], ['sources', '0', 'key']],
    ['an empty label', [{ key: 'fair', label: '  ' }], ['sources', '0', 'label']],
    [
      'a label of 101 characters',
      [{ key: 'x', label: 'l'.repeat(101) }],
      ['sources', '0', 'label'],
    ],
    ['an unknown field', [{ key: 'x', label: 'X', colour: 'red' }], ['sources', '0']],
    ['a bad locale', [{ key: 'x', label: 'X', labels: { Danish: 'x' } }], ['sources', '0']],
    [
      'labels in 21 languages',
      [
        {
          key: 'x',
          label: 'X',
          labels: Object.fromEntries(
            Array.from({ length: 21 }, (_, i) => [`l${String.fromCharCode(97 + i)}`, 'x'])
          ),
        },
      ],
      ['sources', '0', 'labels'],
    ],
    ['an empty list', [], ['sources']],
    ['not a list', { desk: 'Desk' }, ['sources']],
  ])('refuses %s with a 400 and writes nothing', async (_name, sources, path) => {
    const before = await stored();
    const res = await put({ sources, requestTtlDays: 30 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ data: null, error: { status: 400, name: 'ValidationError' } });
    const paths = (res.body.error.details.errors as { path: (string | number)[] }[]).map((e) =>
      e.path.map(String)
    );
    expect(paths).toContainEqual(expect.arrayContaining(path));
    expect(await stored()).toEqual(before);
    expect((await get()).body.data.requestTtlDays).toBe(7);
  });

  it('stores a new list (rename, reorder, remove, per-locale labels) and merges partial updates', async () => {
    const res = await put({ sources: SOURCES });
    expect(res.status).toBe(200);
    expect(res.body.data.sources).toEqual(SOURCES);
    expect((await get()).body.data.sources).toEqual(SOURCES);

    // Another field alone keeps the list; the list alone keeps the other fields.
    expect((await put({ requestTtlDays: 10 })).body.data.sources).toEqual(SOURCES);
    const again = await put({ sources: SOURCES.slice(0, 2) });
    expect(again.body.data).toMatchObject({ requestTtlDays: 10, sources: SOURCES.slice(0, 2) });
    expect((await put({ sources: SOURCES, requestTtlDays: 7 })).status).toBe(200);

    // Staff without the settings permission read the list through /consent/config.
    const config = await app.http().get('/consent/config').set(auth(token));
    expect(config.body.data.sources).toEqual(SOURCES);
  });
});

describe('registering consent in person with a source', () => {
  it('stores the chosen source on the events; an unknown key is kept as free text', async () => {
    const fair = await recordDecisions(app, ann, {
      decisions: [{ purpose: 'storage', decision: 'given' }],
      channel: 'in_person',
      source: 'fair',
    });
    expect(fair.status).toBe(201);
    expect(fair.body.data.events[0]).toMatchObject({ source: 'fair', channel: 'in_person' });

    const phone = await recordDecisions(app, bob, {
      decisions: [
        { purpose: 'storage', decision: 'given' },
        { purpose: 'marketing', decision: 'given' },
      ],
      channel: 'in_person',
      source: 'phone',
    });
    expect(phone.status).toBe(201);
    const legacy = await recordDecisions(app, ann, {
      decisions: [{ purpose: 'marketing', decision: 'given' }],
      source: 'Stand 7, hall B',
    });
    expect(legacy.status).toBe(201);
    expect(legacy.body.data.events[0].source).toBe('Stand 7, hall B');
    const fairAgain = await recordDecisions(app, bob, {
      decisions: [{ purpose: 'marketing', decision: 'withdrawn' }],
      source: 'fair',
    });
    expect(fairAgain.status).toBe(201);
  });

  it('refuses a source longer than 255 characters, writing nothing', async () => {
    const before = await ledgerCounts(app.strapi);
    const res = await recordDecisions(app, ann, {
      decisions: [{ purpose: 'storage', decision: 'given' }],
      source: 's'.repeat(256),
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
    expect(await ledgerCounts(app.strapi)).toEqual(before);
  });

  it('removing a source from the list leaves past events as they were', async () => {
    expect((await put({ sources: SOURCES.slice(1) })).status).toBe(200);
    const res = await app
      .http()
      .get(`/consent/subjects/${ann}/events`)
      .query({ source: 'fair' })
      .set(auth(token));
    expect(res.status).toBe(200);
    expect(res.body.data.map((e: { source: string }) => e.source)).toEqual(['fair']);
    expect((await put({ sources: SOURCES })).status).toBe(200);
  });
});

interface ListedEvent {
  id: number;
  subject: string;
  source: string;
  purposeKey: string;
}

describe('events by source', () => {
  it('lists one source across clients, newest first, paged by cursor', async () => {
    const first = await app
      .http()
      .get('/consent/events')
      .query({ source: 'fair', limit: 1 })
      .set(auth(token));
    expect(first.status).toBe(200);
    expect(first.body.data.events).toHaveLength(1);
    expect(first.body.data.events[0]).toMatchObject({ subject: bob, source: 'fair' });
    expect(first.body.data.next).toBe(first.body.data.events[0].id);
    const second = await app
      .http()
      .get('/consent/events')
      .query({ source: 'fair', limit: 1, before: first.body.data.next })
      .set(auth(token));
    expect(second.body.data.events.map((e: ListedEvent) => [e.subject, e.purposeKey])).toEqual([
      [ann, 'storage'],
    ]);
    expect(second.body.data.next).toBeNull();

    // Without a source: every event (the demo's seeded ones too), newest first.
    const all = await app.http().get('/consent/events').query({ limit: 200 }).set(auth(token));
    const ids = all.body.data.events.map((e: ListedEvent) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(all.body.data.events.map((e: ListedEvent) => e.source)).toEqual(
      expect.arrayContaining(['fair', 'phone', 'Stand 7, hall B'])
    );

    const free = await app
      .http()
      .get('/consent/events')
      .query({ source: 'Stand 7, hall B' })
      .set(auth(token));
    expect(free.body.data.events).toHaveLength(1);
  });

  it('filters one client history by source', async () => {
    const res = await app
      .http()
      .get(`/consent/subjects/${bob}/events`)
      .query({ source: 'phone' })
      .set(auth(token));
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(2);
    expect(res.body.meta.pagination.total).toBe(2);
    expect(res.body.data.every((e: ListedEvent) => e.source === 'phone')).toBe(true);
  });

  it.each([
    ['/consent/events', { source: '' }],
    ['/consent/events', { source: 'x'.repeat(256) }],
    ['/consent/events', { sourse: 'fair' }],
    ['/consent/events', { before: 'abc' }],
    ['/consent/events/export', { format: 'csv' }],
    ['/consent/events/export', { source: 'fair', format: 'pdf' }],
  ])('%s?%j is a 400', async (path, query) => {
    const res = await app.http().get(path).query(query).set(auth(token));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
  });

  it('exports one source across clients as CSV, JSON and XLSX, audited', async () => {
    const csv = await download(
      app
        .http()
        .get('/consent/events/export')
        .query({ source: 'fair', format: 'csv' })
        .set(auth(token))
    );
    expect(csv.status).toBe(200);
    expect(csv.headers['content-disposition']).toBe(
      'attachment; filename="consent-events-fair.csv"'
    );
    const rows = parseCsv((csv.body as Buffer).toString('utf8'));
    expect(rows[0]).toEqual(['subject', ...EXPORT_FIELDS]);
    const source = rows[0].indexOf('source');
    expect(rows.slice(1).map((r) => [r[0], r[source]])).toEqual([
      [ann, 'fair'],
      [bob, 'fair'],
    ]);

    const json = await download(
      app
        .http()
        .get('/consent/events/export')
        .query({ source: 'fair', format: 'json' })
        .set(auth(token))
    );
    const body = JSON.parse((json.body as Buffer).toString('utf8'));
    expect(body.source).toBe('fair');
    expect(body.events.map((e: ListedEvent) => [e.subject, e.source])).toEqual([
      [ann, 'fair'],
      [bob, 'fair'],
    ]);

    const xlsx = await download(
      app
        .http()
        .get('/consent/events/export')
        .query({ source: 'phone', format: 'xlsx', locale: 'en' })
        .set(auth(token))
    );
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(1).getCell(1).value).toBe('Client');
    expect(sheet.actualRowCount).toBe(3);
    const sourceColumn = (sheet.getRow(1).values as unknown[]).indexOf('Source');
    expect(sheet.getRow(2).getCell(sourceColumn).value).toBe('phone');
    expect(sheet.getRow(3).getCell(1).value).toBe(bob);

    const audits = (await app.strapi.db
      .query('plugin::consent.consent-audit')
      .findMany({ where: { action: 'export.events' }, orderBy: { id: 'asc' } })) as {
      details: Record<string, unknown>;
    }[];
    expect(audits.map((a) => a.details)).toEqual([
      { format: 'csv', events: 2, source: 'fair' },
      { format: 'json', events: 2, source: 'fair' },
      { format: 'xlsx', events: 2, source: 'phone' },
    ]);
  });

  it("exports one client's history from one source", async () => {
    const res = await download(
      app
        .http()
        .get(`/consent/subjects/${ann}/export`)
        .query({ format: 'json', source: 'fair' })
        .set(auth(token))
    );
    expect(res.status).toBe(200);
    const body = JSON.parse((res.body as Buffer).toString('utf8'));
    expect(body).toMatchObject({ subject: ann, source: 'fair' });
    expect(body.events.map((e: ListedEvent) => e.purposeKey)).toEqual(['storage']);
  });

  it('reads a source through an index on consent_events (source, id)', async () => {
    const inspector = (
      app.strapi.db as unknown as {
        dialect: {
          schemaInspector: {
            getIndexes: (table: string) => Promise<{ name: string; columns: string[] }[]>;
          };
        };
      }
    ).dialect.schemaInspector;
    const indexes = await inspector.getIndexes('consent_events');
    // Strapi's PostgreSQL inspector leaves the `id` column out of the indexes it reports.
    const columns = indexes.find((i) => i.name === 'consent_events_source_idx')?.columns;
    expect(columns?.[0]).toBe('source');
    expect(['source', 'id']).toEqual(expect.arrayContaining(columns ?? ['missing']));
  });
});
