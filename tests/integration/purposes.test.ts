import { startApp, type TestApp } from '../helpers/app';
import { auth, createClient, ledgerCounts } from '../helpers/consent';

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

const post = async (body: unknown) =>
  app
    .http()
    .post('/consent/purposes')
    .set(auth(await app.adminToken()))
    .send(body as object);
const put = async (key: string, body: unknown) =>
  app
    .http()
    .put(`/consent/purposes/${key}`)
    .set(auth(await app.adminToken()))
    .send(body as object);

describe('purposes', () => {
  it('creates a purpose; it has no text until a version is published, and cannot be consented to before', async () => {
    const res = await post({
      key: 'photos',
      name: 'Photos of results',
      legalBasis: 'consent',
      description: 'Before/after photos',
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      key: 'photos',
      required: false,
      specialCategory: false,
      active: true,
      currentMajor: null,
    });

    const client = await createClient(app.strapi);
    const early = await app
      .http()
      .post(`/consent/subjects/${client}/decisions`)
      .set(auth(await app.adminToken()))
      .send({ decisions: [{ purpose: 'photos', decision: 'given' }] });
    expect(early.status).toBe(400);
    expect(early.body.error.message).toContain('no published text');

    const texts = await app.http().get('/api/consent/texts');
    expect(texts.body.data.map((t: { purpose: string }) => t.purpose)).not.toContain('photos');
  });

  it('a required purpose without a published text means nobody has valid consent until it is published', async () => {
    const token = await app.adminToken();
    const validBefore = await app
      .http()
      .get('/consent/subjects')
      .query({ consent: 'valid' })
      .set(auth(token));
    expect(validBefore.body.data.length).toBeGreaterThan(0);
    expect((await put('photos', { required: true })).status).toBe(200);
    const validNow = await app
      .http()
      .get('/consent/subjects')
      .query({ consent: 'valid' })
      .set(auth(token));
    expect(validNow.body.data).toEqual([]);
    expect((await put('photos', { required: false })).status).toBe(200);
    const validAfter = await app
      .http()
      .get('/consent/subjects')
      .query({ consent: 'valid' })
      .set(auth(token));
    expect(validAfter.body.data).toEqual(validBefore.body.data);
  });

  it('rejects bad purposes with a 4xx and writes nothing', async () => {
    const before = await ledgerCounts(app.strapi);
    const cases: [unknown, number][] = [
      [{}, 400],
      [{ key: 'storage', name: 'Duplicate', legalBasis: 'consent' }, 400],
      [{ key: 'Bad Key', name: 'x', legalBasis: 'consent' }, 400],
      [{ key: 'x', name: 'too short key', legalBasis: 'consent' }, 400],
      [{ key: 'newsletter', name: 'x', legalBasis: 'because' }, 400],
      [{ key: 'newsletter', name: 'x', legalBasis: 'contract', required: true }, 400],
      [{ key: 'newsletter', name: '', legalBasis: 'consent' }, 400],
      [{ key: 'newsletter', name: 'x'.repeat(201), legalBasis: 'consent' }, 400],
      [{ key: 'newsletter', name: 'x', legalBasis: 'consent', currentMajor: 7 }, 400],
      [{ key: 'newsletter', name: 'x', legalBasis: 'consent', required: 'yes' }, 400],
      [[1, 2, 3], 400],
    ];
    for (const [body, status] of cases) {
      const res = await post(body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), status]);
      expect(res.body).toMatchObject({ data: null, error: { status } });
    }
    const updates: [string, unknown, number][] = [
      ['marketing', { key: 'renamed' }, 400],
      ['marketing', { legalBasis: 'contract', required: true }, 400],
      ['storage', { legalBasis: 'contract' }, 400], // required purposes must stay consent-based
      ['marketing', { position: -1 }, 400],
      ['marketing', { currentMajor: 9 }, 400],
      ['nope', { name: 'x' }, 404],
    ];
    for (const [key, body, status] of updates) {
      const res = await put(key, body);
      expect([key, JSON.stringify(body), res.status]).toEqual([key, JSON.stringify(body), status]);
      expect(res.body).toMatchObject({ data: null, error: { status } });
    }
    expect(await ledgerCounts(app.strapi)).toEqual(before);
  });

  it('rejects bad list and history queries with a 400', async () => {
    const token = await app.adminToken();
    const client = await createClient(app.strapi);
    for (const query of [
      {},
      { consent: 'maybe' },
      { consent: 'valid', limit: 0 },
      { consent: 'valid', limit: 10_000 },
      { consent: 'valid', after: -1 },
      { consent: 'valid', extra: 1 },
    ]) {
      const res = await app.http().get('/consent/subjects').query(query).set(auth(token));
      expect([JSON.stringify(query), res.status]).toEqual([JSON.stringify(query), 400]);
    }
    for (const query of [{ page: 0 }, { pageSize: 1000 }, { page: 'x' }]) {
      const res = await app
        .http()
        .get(`/consent/subjects/${client}/events`)
        .query(query)
        .set(auth(token));
      expect([JSON.stringify(query), res.status]).toEqual([JSON.stringify(query), 400]);
    }
    expect((await app.http().get('/consent/subjects/nosuchclient').set(auth(token))).status).toBe(
      404
    );
    expect(
      (await app.http().get('/consent/subjects/nosuchclient/events').set(auth(token))).status
    ).toBe(404);
  });
});
