import ExcelJS from 'exceljs';
import { EXPORT_FIELDS } from '../../server/src/proof';
import { startApp, type TestApp } from '../helpers/app';
import { auth, createClient, recordDecisions } from '../helpers/consent';
import { download, parseCsv, readOnlyAdmin } from '../helpers/downloads';

/**
 * The consent history export (GET /consent/subjects/:subject/export) in its three
 * formats over HTTP on the real demo app: the XLSX is read back with exceljs, the
 * CSV and JSON parsed; each export is audited; only the export action opens it.
 */
let app: TestApp;
let token: string;
let client: string;

beforeAll(async () => {
  app = await startApp({ env: { CONSENT_WORKER: 'false' } });
  token = await app.adminToken();
  client = await createClient(app.strapi, { name: 'Export Client', phone: '+4511223344' });
  expect(
    (
      await recordDecisions(app, client, {
        decisions: [
          { purpose: 'storage', decision: 'given' },
          { purpose: 'marketing', decision: 'given' },
        ],
      })
    ).status
  ).toBe(201);
  expect(
    (
      await recordDecisions(app, client, {
        decisions: [{ purpose: 'marketing', decision: 'withdrawn' }],
        note: '=SUM(A1:A9) "quoted", with comma',
      })
    ).status
  ).toBe(201);
  expect(
    (
      await recordDecisions(app, client, {
        decisions: [{ purpose: 'health', decision: 'given', explicit: true }],
        locale: 'da',
      })
    ).status
  ).toBe(201);
});
afterAll(async () => {
  await app?.stop();
});

const exportOf = (format: string, subject = client, bearer = token) =>
  download(
    app.http().get(`/consent/subjects/${subject}/export`).query({ format }).set(auth(bearer))
  );

/** The events as the admin API lists them, oldest first (the export's order). */
const apiEvents = async () => {
  const res = await app
    .http()
    .get(`/consent/subjects/${client}/events`)
    .query({ pageSize: 100 })
    .set(auth(token));
  return (res.body.data as Record<string, unknown>[]).reverse();
};

const auditCount = (format: string) =>
  app.strapi.db
    .query('plugin::consent.consent-audit')
    .findMany({ where: { action: 'export.history', subject: client } })
    .then((rows: { details: { format: string; events: number } }[]) =>
      rows.filter((r) => r.details.format === format)
    );

/** The heading row of an XLSX export asked for in `locale`. */
const xlsxHeadings = async (locale: string) => {
  const res = await download(
    app
      .http()
      .get(`/consent/subjects/${client}/export`)
      .query({ format: 'xlsx', locale })
      .set(auth(token))
  );
  expect(res.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(res.body as unknown as ArrayBuffer);
  return (workbook.getWorksheet('Consent history')!.getRow(1).values as unknown[]).slice(1);
};

describe('history export', () => {
  it('XLSX: a workbook exceljs reads back, a header row and one row per event, typed cells, formula-free', async () => {
    const res = await exportOf('xlsx');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
    );
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="consent-history-${client}.xlsx"`
    );
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.body as Buffer;
    expect(body.subarray(0, 2).toString('latin1')).toBe('PK');

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Consent history');
    expect(sheet).toBeDefined();
    const rows: unknown[][] = [];
    sheet!.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).slice(1)));
    const [header, ...data] = rows;
    // Headings for people, in the workbook's language (the plugin's default, English here).
    expect(header).toHaveLength(EXPORT_FIELDS.length);
    expect(header.slice(0, 5)).toEqual([
      'Event no.',
      'Event id',
      'Time (UTC)',
      'Purpose',
      'Decision',
    ]);
    expect(header).not.toContain('purposeKey');
    const events = await apiEvents();
    expect(data).toHaveLength(events.length);
    expect(events).toHaveLength(4);
    const col = (name: string) =>
      data.map((r) => r[EXPORT_FIELDS.indexOf(name as (typeof EXPORT_FIELDS)[number])]);
    expect(col('id')).toEqual(events.map((e) => e.id));
    expect(col('decision')).toEqual(['given', 'given', 'withdrawn', 'given']);
    expect(col('purposeKey')).toEqual(['storage', 'marketing', 'marketing', 'health']);
    expect(col('textHash')).toEqual(events.map((e) => e.textHash));
    expect(col('explicit')).toEqual(events.map((e) => Boolean(e.explicit)));
    expect(col('textLocale')[3]).toBe('da');
    // The note is text, never a formula: inline strings are not evaluated.
    expect(col('note')[2]).toBe('=SUM(A1:A9) "quoted", with comma');
    sheet!.eachRow((row) =>
      row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula))
    );
    expect(new Date(col('occurredAt')[0] as string).toISOString()).toBe(col('occurredAt')[0]);

    const audits = await auditCount('xlsx');
    expect(audits).toHaveLength(1);
    expect(audits[0].details).toEqual({ format: 'xlsx', events: 4 });
  });

  it('CSV: header and one row per event; JSON: the same events', async () => {
    const csv = await exportOf('csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv((csv.body as Buffer).toString('utf8'));
    expect(header).toEqual([...EXPORT_FIELDS]);
    expect(rows.map((r) => r[header.indexOf('decision')])).toEqual([
      'given',
      'given',
      'withdrawn',
      'given',
    ]);
    // CSV cells that a spreadsheet would evaluate are prefixed with a quote.
    expect(rows[2][header.indexOf('note')]).toBe(`'=SUM(A1:A9) "quoted", with comma`);

    const json = await exportOf('json');
    expect(json.status).toBe(200);
    const parsed = JSON.parse((json.body as Buffer).toString('utf8'));
    expect(parsed.subject).toBe(client);
    expect(parsed.events.map((e: { id: number }) => e.id)).toEqual(
      (await apiEvents()).map((e) => e.id)
    );
    expect(Object.keys(parsed.events[0])).toEqual([...EXPORT_FIELDS]);
    expect((await auditCount('csv'))[0].details).toEqual({ format: 'csv', events: 4 });
    expect(await auditCount('json')).toHaveLength(1);
  });

  it('a client without events gets a valid, empty workbook', async () => {
    const empty = await createClient(app.strapi);
    const res = await exportOf('xlsx', empty);
    expect(res.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as unknown as ArrayBuffer);
    expect(workbook.getWorksheet('Consent history')!.actualRowCount).toBe(1);
  });

  it("bad input: unknown client 404, unknown format 400, in Strapi's error shape, nothing audited", async () => {
    const before = await app.strapi.db
      .query('plugin::consent.consent-audit')
      .count({ where: { action: 'export.history' } });
    const missing = await app
      .http()
      .get('/consent/subjects/nosuchclient/export')
      .query({ format: 'xlsx' })
      .set(auth(token));
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      data: null,
      error: { status: 404, name: 'NotFoundError' },
    });
    const bad = await app
      .http()
      .get(`/consent/subjects/${client}/export`)
      .query({ format: 'xls' })
      .set(auth(token));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
    expect(
      await app.strapi.db
        .query('plugin::consent.consent-audit')
        .count({ where: { action: 'export.history' } })
    ).toBe(before);
  });
});

describe('RBAC: exports need the export action', () => {
  it('a role with only "read" gets 403 on every export route and can still verify a receipt', async () => {
    const reader = await readOnlyAdmin(app, 'export-reader@example.com');
    expect((await app.http().get(`/consent/subjects/${client}`).set(auth(reader))).status).toBe(
      200
    );
    const events = await apiEvents();
    for (const path of [
      `/consent/subjects/${client}/export?format=csv`,
      `/consent/subjects/${client}/export?format=xlsx`,
      `/consent/subjects/${client}/receipt`,
      `/consent/subjects/${client}/receipt?format=iso27560`,
      `/consent/subjects/${client}/access-archive`,
      `/consent/events/${events[0].id}/receipt`,
    ]) {
      const res = await app.http().get(path).set(auth(reader));
      expect([path, res.status]).toEqual([path, 403]);
      expect(res.body.error).toMatchObject({ status: 403, name: 'PolicyError' });
    }
    const verify = await app
      .http()
      .post('/consent/receipts/verify')
      .set(auth(reader))
      .send({ jws: 'a.b.c' });
    expect(verify.status).toBe(200);
    expect(verify.body.data.valid).toBe(false);
  });
});

// Last: its exports are audited, and the tests above count the audit rows.
describe('XLSX headings', () => {
  it("XLSX headings in the admin's language (locale), English for one without its own; a bad locale is a 400", async () => {
    expect((await xlsxHeadings('da')).slice(0, 5)).toEqual([
      'Hændelse nr.',
      'Hændelses-id',
      'Tidspunkt (UTC)',
      'Formål',
      'Beslutning',
    ]);
    expect((await xlsxHeadings('sv'))[3]).toBe('Ändamål');
    expect((await xlsxHeadings('fi'))[3]).toBe('Purpose');
    const bad = await app
      .http()
      .get(`/consent/subjects/${client}/export`)
      .query({ format: 'xlsx', locale: '<da>' })
      .set(auth(token));
    expect(bad.status).toBe(400);
  });
});
