import { createHash } from 'node:crypto';
import { startApp, type TestApp } from '../helpers/app';
import {
  auth,
  createClient,
  ledgerCounts,
  recordDecisions,
  subjectConsent,
} from '../helpers/consent';

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

const sha256 = (title: string, text: string) =>
  createHash('sha256')
    .update(JSON.stringify([title, text]), 'utf8')
    .digest('hex');

describe('recording decisions from the admin panel', () => {
  it('records an in-person consent with the admin as recorder, the version and the hash of the body shown', async () => {
    const client = await createClient(app.strapi);
    const res = await recordDecisions(app, client, {
      locale: 'sv',
      decisions: [
        { purpose: 'storage', decision: 'given' },
        { purpose: 'marketing', decision: 'refused' },
        { purpose: 'health', decision: 'given', explicit: true },
      ],
      note: 'Signed at the front desk',
    });
    expect(res.status).toBe(201);
    const [storage] = res.body.data.events;
    expect(storage).toMatchObject({
      subject: client,
      purposeKey: 'storage',
      decision: 'given',
      channel: 'in_person',
      actorType: 'admin',
      actorName: 'Demo Admin',
      textVersion: '2.1',
      textLocale: 'sv',
      note: 'Signed at the front desk',
    });
    expect(storage.actorId).toEqual(expect.any(String));
    expect(storage.userAgent).toEqual(expect.any(String));

    const texts = await app.http().get('/api/consent/texts').query({ locale: 'sv' });
    const shown = texts.body.data.find((t: { purpose: string }) => t.purpose === 'storage');
    expect(storage.textHash).toBe(shown.sha256);
    expect(storage.textHash).toBe(sha256(shown.title, shown.text));
    expect(storage.textId).toBe(shown.textId);

    const consent = await subjectConsent(app, client);
    expect(consent).toMatchObject({ valid: true, status: 'valid' });
    const status = Object.fromEntries(consent.purposes.map((p) => [p.purpose, p.status]));
    expect(status).toEqual({
      service: 'not_required',
      storage: 'valid',
      marketing: 'refused',
      health: 'valid',
    });
  });

  it('derives the summary from the required purpose only: optional purposes never decide validity', async () => {
    const client = await createClient(app.strapi);
    await recordDecisions(app, client, {
      decisions: [{ purpose: 'marketing', decision: 'given' }],
    });
    expect(await subjectConsent(app, client)).toMatchObject({ valid: false, status: 'missing' });
    await recordDecisions(app, client, { decisions: [{ purpose: 'storage', decision: 'given' }] });
    expect(await subjectConsent(app, client)).toMatchObject({ valid: true });
    await recordDecisions(app, client, {
      decisions: [{ purpose: 'marketing', decision: 'withdrawn' }],
    });
    expect(await subjectConsent(app, client)).toMatchObject({ valid: true });
  });

  it('withdrawal, revocation by staff and an expired request move the state as the rules say', async () => {
    const client = await createClient(app.strapi);
    await recordDecisions(app, client, { decisions: [{ purpose: 'storage', decision: 'given' }] });
    await recordDecisions(app, client, {
      decisions: [{ purpose: 'storage', decision: 'expired' }],
    });
    expect(await subjectConsent(app, client)).toMatchObject({ valid: true }); // an unanswered request keeps a consent
    await recordDecisions(app, client, {
      decisions: [{ purpose: 'storage', decision: 'revoked' }],
      note: 'Signed on paper by someone else',
    });
    expect(await subjectConsent(app, client)).toMatchObject({ valid: false, status: 'revoked' });
    await recordDecisions(app, client, { decisions: [{ purpose: 'storage', decision: 'given' }] });
    await recordDecisions(app, client, {
      channel: 'web_form',
      decisions: [{ purpose: 'storage', decision: 'withdrawn' }],
    });
    expect(await subjectConsent(app, client)).toMatchObject({ valid: false, status: 'withdrawn' });

    const history = await app
      .http()
      .get(`/consent/subjects/${client}/events`)
      .query({ page: 1, pageSize: 2 })
      .set(auth(await app.adminToken()));
    expect(history.status).toBe(200);
    expect(history.body.meta.pagination).toMatchObject({
      page: 1,
      pageSize: 2,
      total: 5,
      pageCount: 3,
    });
    expect(history.body.data.map((e: { decision: string }) => e.decision)).toEqual([
      'withdrawn',
      'given',
    ]);
  });

  it('refuses a decision about a version that is no longer current, and writes nothing', async () => {
    const client = await createClient(app.strapi);
    const before = await ledgerCounts(app.strapi);
    const res = await recordDecisions(app, client, {
      decisions: [{ purpose: 'storage', decision: 'given', version: '1.0' }],
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      status: 409,
      name: 'StaleVersionError',
      details: { stale: [{ purpose: 'storage', version: '1.0', current: '2.1' }] },
    });
    expect(await ledgerCounts(app.strapi)).toEqual(before);
  });

  it('accepts a consent to an earlier minor of the current major (an editorial change)', async () => {
    const client = await createClient(app.strapi);
    const res = await recordDecisions(app, client, {
      decisions: [{ purpose: 'storage', decision: 'given', version: '2.0' }],
    });
    expect(res.status).toBe(201);
    expect(await subjectConsent(app, client)).toMatchObject({ valid: true });
  });

  it('rejects bad input with a 4xx in Strapi error shape and writes nothing', async () => {
    const client = await createClient(app.strapi);
    const before = await ledgerCounts(app.strapi);
    const huge = 'x'.repeat(1024 * 1024);
    const cases: [unknown, number[]][] = [
      [{}, [400]],
      [{ decisions: [] }, [400]],
      [{ decisions: 'storage' }, [400]],
      [{ decisions: [{ purpose: 'storage', decision: 'yes' }] }, [400]],
      [{ decisions: [{ purpose: 'storage', decision: 'given', version: 2 }] }, [400]],
      [{ decisions: [{ purpose: 'storage', decision: 'given', version: '9.0' }] }, [400]],
      [{ decisions: [{ purpose: 'nope', decision: 'given' }] }, [400]],
      [{ decisions: [{ purpose: 'service', decision: 'given' }] }, [400]], // contract: nothing to consent to
      [{ decisions: [{ purpose: 'health', decision: 'given' }] }, [400]], // special category without explicit
      [
        {
          decisions: [
            { purpose: 'storage', decision: 'given' },
            { purpose: 'storage', decision: 'refused' },
          ],
        },
        [400],
      ],
      [
        {
          decisions: Array.from({ length: 10_000 }, () => ({
            purpose: 'storage',
            decision: 'given',
          })),
        },
        [400, 413],
      ],
      [{ decisions: [{ purpose: 'storage', decision: 'given' }], note: huge }, [400, 413]],
      [{ decisions: [{ purpose: huge, decision: 'given' }] }, [400, 413]],
      [{ decisions: [{ purpose: 'storage', decision: 'given' }], channel: 'telepathy' }, [400]],
      [{ decisions: [{ purpose: 'storage', decision: 'given' }], locale: 'not a locale' }, [400]],
      [{ decisions: [{ purpose: 'storage', decision: 'given' }], admin: true }, [400]],
    ];
    for (const [body, statuses] of cases) {
      const res = await recordDecisions(app, client, body);
      expect([JSON.stringify(body).slice(0, 80), statuses]).toEqual([
        JSON.stringify(body).slice(0, 80),
        expect.arrayContaining([res.status]),
      ]);
      expect(res.body).toMatchObject({ data: null, error: { status: res.status } });
    }
    const unknown = await recordDecisions(app, 'nosuchclient', {
      decisions: [{ purpose: 'storage', decision: 'given' }],
    });
    expect(unknown.status).toBe(404);
    const badId = await recordDecisions(app, 'bad%20id', {
      decisions: [{ purpose: 'storage', decision: 'given' }],
    });
    expect(badId.status).toBe(400);
    expect(await ledgerCounts(app.strapi)).toEqual(before);
  });

  it('keeps the event log append-only and published texts immutable, whatever API is used', async () => {
    const event = await app.strapi.db.query('plugin::consent.consent-event').findOne({});
    await expect(
      app.strapi.db
        .query('plugin::consent.consent-event')
        .update({ where: { id: event.id }, data: { decision: 'refused' } })
    ).rejects.toThrow(/append-only/);
    await expect(
      app.strapi.db.query('plugin::consent.consent-event').delete({ where: { id: event.id } })
    ).rejects.toThrow(/append-only/);
    await expect(
      app.strapi.db.query('plugin::consent.consent-event').deleteMany({})
    ).rejects.toThrow(/append-only/);
    const text = await app.strapi.db.query('plugin::consent.consent-text').findOne({});
    await expect(
      app.strapi
        .documents('plugin::consent.consent-text' as never)
        .update({ documentId: text.documentId, data: { summary: 'edited' } } as never)
    ).rejects.toThrow(/immutable/);
    await expect(
      app.strapi.db
        .query('plugin::consent.consent-text')
        .update({ where: { id: text.id }, data: { summary: 'edited' } })
    ).rejects.toThrow(/immutable/);
    const same = await app.strapi.db
      .query('plugin::consent.consent-event')
      .findOne({ where: { id: event.id } });
    expect(same.decision).toBe(event.decision);
  });
});
