import { startApp, type TestApp } from '../helpers/app';
import {
  auth,
  createClient,
  ledgerCounts,
  recordDecisions,
  subjectConsent,
} from '../helpers/consent';

/** Legacy consents from CSV over the admin API: a line-by-line report, and all or nothing. */
let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

const post = async (body: object) =>
  app
    .http()
    .post('/consent/imports')
    .set(auth(await app.adminToken()))
    .send(body);
const importEvents = () =>
  app.strapi.db.connection('consent_events').where('channel', 'import').orderBy('id');

const stamp = Date.now();
const emailOf = (n: number) => `legacy.${n}.${stamp}@example.com`;

describe('importing legacy consents from CSV', () => {
  let ann: string;
  let bo: string;
  let cy: string;
  let good: string;

  beforeAll(async () => {
    ann = await createClient(app.strapi, { email: emailOf(1) });
    bo = await createClient(app.strapi, {
      email: null,
      phone: `+45 40 ${String(stamp).slice(-6, -4)} ${String(stamp).slice(-4, -2)} ${String(stamp).slice(-2)}`,
    });
    cy = await createClient(app.strapi, { email: emailOf(3) });
    // Cy consented today: a withdrawal from 2019 imported later must not undo it.
    expect(
      (await recordDecisions(app, cy, { decisions: [{ purpose: 'storage', decision: 'given' }] }))
        .status
    ).toBe(201);
    const boPhone = `+4540${String(stamp).slice(-6)}`;
    good = [
      'Client;Purpose;Decision;Date;Source;Explicit',
      `${emailOf(1).toUpperCase()};storage;given;2019-03-01;paper form 2019;`,
      `${emailOf(1)};marketing;given;2019-03-01T10:15:00+01:00;paper form 2019;`,
      `${emailOf(1)};marketing;withdrawn;2021-06-30;"phone call; noted by desk";`,
      `${boPhone};storage;given;2020-01-15;paper form 2020;`,
      `${boPhone};health;given;2020-01-15;paper form 2020;yes`,
      `${cy};storage;withdrawn;2019-05-05;old CRM;`,
    ].join('\r\n');
  });

  it('a dry run reports every line valid and imports nothing', async () => {
    const before = await ledgerCounts(app.strapi);
    const res = await post({ csv: good, dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      dryRun: true,
      total: 6,
      valid: 6,
      invalid: 0,
      imported: 0,
    });
    expect(res.body.data.lines[0]).toEqual({
      line: 2,
      ok: true,
      client: ann,
      purpose: 'storage',
      decision: 'given',
      date: '2019-03-01',
      version: '2.1',
      errors: [],
    });
    expect(res.body.data.lines[3]).toMatchObject({ line: 5, ok: true, client: bo });
    expect(await ledgerCounts(app.strapi)).toEqual(before);
  });

  it('imports a valid file: events with channel "import", the admin as actor, the date as occurredAt; states follow', async () => {
    const res = await post({ csv: good, dryRun: false });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      dryRun: false,
      total: 6,
      valid: 6,
      invalid: 0,
      imported: 6,
    });

    const events = await app.strapi.db.query('plugin::consent.consent-event').findMany({
      where: { channel: 'import' },
      orderBy: [{ subject: 'asc' }, { occurredAt: 'asc' }, { id: 'asc' }],
    });
    expect(events).toHaveLength(6);
    for (const e of events)
      expect(e).toMatchObject({
        channel: 'import',
        actorType: 'admin',
        actorName: 'Demo Admin',
        note: 'imported',
        ip: null,
      });
    const annEvents = events.filter((e: { subject: string }) => e.subject === ann);
    expect(
      annEvents.map(
        (e: { purposeKey: string; decision: string; occurredAt: string; source: string }) => [
          e.purposeKey,
          e.decision,
          e.occurredAt,
          e.source,
        ]
      )
    ).toEqual(
      [
        ['marketing', 'given', '2019-03-01T09:15:00.000Z', 'paper form 2019'],
        ['storage', 'given', '2019-03-01T00:00:00.000Z', 'paper form 2019'],
        ['marketing', 'withdrawn', '2021-06-30T00:00:00.000Z', 'phone call; noted by desk'],
      ].sort((a, b) => a[2].localeCompare(b[2]))
    );
    expect(
      events.find(
        (e: { subject: string; purposeKey: string }) =>
          e.subject === bo && e.purposeKey === 'health'
      ).explicit
    ).toBe(true);

    const annConsent = await subjectConsent(app, ann);
    expect(annConsent).toMatchObject({ valid: true });
    expect(Object.fromEntries(annConsent.purposes.map((p) => [p.purpose, p.status]))).toMatchObject(
      { storage: 'valid', marketing: 'withdrawn' }
    );
    expect(await subjectConsent(app, bo)).toMatchObject({ valid: true });
    // Back-dated: the 2019 withdrawal is older than today's consent, which stays in force.
    expect(await subjectConsent(app, cy)).toMatchObject({ valid: true });
    const audit = await app.strapi.db
      .connection('consent_audit')
      .where('action', 'import.run')
      .where('outcome', 'ok');
    expect(audit).toHaveLength(1);
  });

  it('the same file again: every line is "already imported", nothing is written', async () => {
    const before = await ledgerCounts(app.strapi);
    const res = await post({ csv: good, dryRun: false });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toMatchObject({ total: 6, valid: 0, invalid: 6, imported: 0 });
    expect(res.body.error.details.lines[0].errors).toEqual([
      'already imported (the log has this import event)',
    ]);
    expect(await ledgerCounts(app.strapi)).toEqual(before);
  });

  it('one bad line: a 400 with the line-by-line report, and nothing imported', async () => {
    const dan = await createClient(app.strapi, { email: emailOf(4) });
    const future = new Date(Date.now() + 86_400_000 * 30).toISOString().slice(0, 10);
    const csv = [
      'client,purpose,decision,date,source,version,explicit',
      `${emailOf(4)},storage,given,2018-02-01,paper,,`, // 2: valid
      `nobody.${stamp}@example.com,storage,given,2018-02-01,paper,,`, // 3: unknown client
      `${emailOf(4)},newsletter,given,2018-02-01,paper,,`, // 4: unknown purpose
      `${emailOf(4)},service,given,2018-02-01,paper,,`, // 5: not based on consent
      `${emailOf(4)},marketing,maybe,2018-02-01,paper,,`, // 6: bad decision
      `${emailOf(4)},marketing,given,01/02/2018,paper,,`, // 7: bad date
      `${emailOf(4)},marketing,given,${future},paper,,`, // 8: future date
      `${emailOf(4)},storage,refused,2018-02-01,paper,,`, // 9: duplicate of line 2 (same client, purpose, date)
      `${emailOf(4)},health,given,2018-03-01,paper,,`, // 10: special category without explicit
      `${emailOf(4)},storage,given,2018-04-01,paper,1.0,`, // 11: outdated version
      `${emailOf(4)},marketing,given,2018-04-01,paper,7.3,`, // 12: unknown version
      `Dan Berg,marketing,given,2018-04-01,paper,,`, // 13: not an identifier
      `,marketing,given,2018-04-01,paper,,`, // 14: empty client
    ].join('\n');
    const before = await ledgerCounts(app.strapi);
    const dry = await post({ csv, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.data).toMatchObject({ total: 13, valid: 1, invalid: 12, imported: 0 });

    const res = await post({ csv, dryRun: false });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      status: 400,
      name: 'ValidationError',
      message: '12 of 13 lines are invalid: nothing was imported',
    });
    const lines = res.body.error.details.lines as { line: number; ok: boolean; errors: string[] }[];
    const errorsOf = (line: number) => lines.find((l) => l.line === line)!.errors.join(' | ');
    expect(lines.find((l) => l.line === 2)).toMatchObject({ ok: true, client: dan, errors: [] });
    expect(errorsOf(3)).toMatch(/no client with email/);
    expect(errorsOf(4)).toMatch(/unknown purpose "newsletter"/);
    expect(errorsOf(5)).toMatch(/based on contract, not consent/);
    expect(errorsOf(6)).toMatch(/decision must be one of given, refused, withdrawn, not "maybe"/);
    expect(errorsOf(7)).toMatch(/not an ISO 8601 date/);
    expect(errorsOf(8)).toMatch(/in the future/);
    expect(errorsOf(9)).toMatch(/duplicate of line 2/);
    expect(errorsOf(10)).toMatch(/special category: consent must be explicit/);
    expect(errorsOf(11)).toMatch(/version 1.0 of "storage" was replaced by a substantive change/);
    expect(errorsOf(12)).toMatch(/has no version "7.3"/);
    expect(errorsOf(13)).toMatch(/not an email address, phone number or document id/);
    expect(errorsOf(14)).toMatch(/client is empty/);
    expect(await ledgerCounts(app.strapi)).toEqual(before);
    expect(
      (await importEvents()).filter((e: { subject: string }) => e.subject === dan)
    ).toHaveLength(0);
  });

  it('a malformed CSV (unbalanced quote, wrong column count, missing column) is a 400 with the report, nothing written', async () => {
    const before = await ledgerCounts(app.strapi);
    const quote = await post({
      csv: `client,purpose,decision,date\n${emailOf(1)},storage,given,"2019-01-01\n`,
      dryRun: false,
    });
    expect(quote.status).toBe(400);
    expect(quote.body.error).toMatchObject({
      name: 'ValidationError',
      message: 'The CSV is malformed: nothing was imported',
    });
    expect(quote.body.error.details.lines).toEqual([
      { line: 2, ok: false, errors: ['a quoted field is never closed (unbalanced quote)'] },
    ]);

    const columns = await post({
      csv: `client,purpose,decision,date\n${emailOf(1)},storage,given\n`,
      dryRun: true,
    });
    expect(columns.status).toBe(400);
    expect(columns.body.error.details.lines).toEqual([
      { line: 2, ok: false, errors: ['3 fields where the header has 4'] },
    ]);

    const missing = await post({
      csv: `client,purpose,date\n${emailOf(1)},storage,2019-01-01\n`,
      dryRun: false,
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.lines[0].errors).toEqual(['missing column "decision"']);

    const empty = await post({ csv: 'client,purpose,decision,date\n', dryRun: false });
    expect(empty.status).toBe(400);
    const shape = await post({ csv: 42, dryRun: false });
    expect(shape.status).toBe(400);
    expect(await ledgerCounts(app.strapi)).toEqual(before);
  });

  it('takes a text/csv body with ?dryRun=true', async () => {
    const res = await app
      .http()
      .post('/consent/imports?dryRun=true&source=upload')
      .set(auth(await app.adminToken()))
      .set('Content-Type', 'text/csv')
      .send(`client,purpose,decision,date\n${emailOf(3)},marketing,refused,2019-09-09\n`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      dryRun: true,
      total: 1,
      valid: 1,
      lines: [{ ok: true, client: cy }],
    });
  });

  it('refuses a file over the size limit with a 413', async () => {
    const before = await ledgerCounts(app.strapi);
    const line = `${emailOf(1)},storage,given,2019-01-01\n`;
    const res = await post({
      csv:
        'client,purpose,decision,date\n' +
        line.repeat(Math.ceil((5.5 * 1024 * 1024) / line.length)),
      dryRun: false,
    });
    expect(res.status).toBe(413);
    expect(await ledgerCounts(app.strapi)).toEqual(before);
  });
});
