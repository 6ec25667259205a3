import { startApp, type TestApp } from '../helpers/app';
import {
  auth,
  createClient,
  ledgerCounts,
  publishVersion,
  recordDecisions,
} from '../helpers/consent';

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

describe('purpose names per language and the special category kind', () => {
  const admin = async () => auth(await app.adminToken());

  it('stores translations and the Art. 9(1) kind; refuses an unknown locale or a kind without the special category (400, nothing written)', async () => {
    const created = await post({
      key: 'allergies',
      name: 'Allergies',
      description: 'Allergies relevant to treatments',
      legalBasis: 'consent',
      specialCategory: true,
      specialCategoryKind: 'health',
      translations: { da: { name: 'Allergier', description: 'Allergier, der er relevante' } },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      specialCategoryKind: 'health',
      translations: { da: { name: 'Allergier' } },
    });

    const before = (
      await app
        .http()
        .get('/consent/purposes')
        .set(await admin())
    ).body.data.find((p: { key: string }) => p.key === 'allergies');
    const unknownLocale = await put('allergies', { translations: { fr: { name: 'Allergies' } } });
    expect(unknownLocale.status).toBe(400);
    expect(unknownLocale.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
    const badKey = await put('allergies', { translations: { da: { title: 'x' } } });
    expect(badKey.status).toBe(400);
    const badKind = await put('allergies', { specialCategoryKind: 'astrology' });
    expect(badKind.status).toBe(400);
    const kindWithout = await post({
      key: 'notspecial',
      name: 'Not special',
      legalBasis: 'consent',
      specialCategory: false,
      specialCategoryKind: 'health',
    });
    expect(kindWithout.status).toBe(400);
    const after = (
      await app
        .http()
        .get('/consent/purposes')
        .set(await admin())
    ).body.data;
    expect(after.find((p: { key: string }) => p.key === 'allergies')).toEqual(before);
    expect(after.find((p: { key: string }) => p.key === 'notspecial')).toBeUndefined();

    // Swedish added, Danish kept as sent: a PUT replaces the translations it names.
    const sv = await put('allergies', {
      translations: { da: { name: 'Allergier' }, sv: { name: 'Allergier (sv)' } },
    });
    expect(sv.status).toBe(200);
    expect(sv.body.data.translations).toEqual({
      da: { name: 'Allergier' },
      sv: { name: 'Allergier (sv)' },
    });
    // Turning the special category off drops the kind.
    const off = await put('allergies', { specialCategory: false });
    expect(off.status).toBe(200);
    expect(off.body.data.specialCategoryKind).toBeNull();
    expect(
      (await put('allergies', { specialCategory: true, specialCategoryKind: 'health' })).status
    ).toBe(200);
  });

  it('the texts API names the purpose in the language asked for, the default name where there is no translation', async () => {
    expect(
      (
        await publishVersion(app, 'allergies', {
          changeKind: 'substantive',
          bodies: { en: { title: 'Allergies', text: 'We note your allergies.' } },
        })
      ).status
    ).toBe(201);
    const texts = async (locale: string) =>
      (await app.http().get('/api/consent/texts').query({ locale })).body.data.find(
        (t: { purpose: string }) => t.purpose === 'allergies'
      );
    expect((await texts('da')).name).toBe('Allergier');
    expect((await texts('sv')).name).toBe('Allergier (sv)');
    expect((await texts('en')).name).toBe('Allergies');
    // A change of name alone changes the answer, and so its ETag.
    const etag = (await app.http().get('/api/consent/texts').query({ locale: 'da' })).headers.etag;
    expect((await put('allergies', { translations: { da: { name: 'Allergi' } } })).status).toBe(
      200
    );
    expect((await texts('da')).name).toBe('Allergi');
    expect(
      (await app.http().get('/api/consent/texts').query({ locale: 'da' })).headers.etag
    ).not.toBe(etag);
  });

  it('receipts name the special category the purpose processes', async () => {
    const client = await createClient(app.strapi);
    const texts = (await app.http().get('/api/consent/texts').query({ locale: 'en' })).body.data;
    const version = texts.find((t: { purpose: string }) => t.purpose === 'allergies').version;
    expect(
      (
        await recordDecisions(app, client, {
          decisions: [{ purpose: 'allergies', decision: 'given', explicit: true, version }],
        })
      ).status
    ).toBe(201);
    const iso = await app
      .http()
      .get(`/consent/subjects/${client}/receipt`)
      .query({ format: 'iso27560' })
      .set(await admin());
    expect(iso.status).toBe(200);
    const purpose = iso.body.data.receipt.purposes.find(
      (p: { purpose_id: string }) => p.purpose_id === 'allergies'
    );
    expect(purpose.special_category_data).toEqual({
      gdpr: 'eu-gdpr:A9-1',
      kind: 'health',
      label: 'data concerning health',
    });
    const kantara = await app
      .http()
      .get(`/consent/subjects/${client}/receipt`)
      .query({ format: 'kantara' })
      .set(await admin());
    expect(kantara.status).toBe(200);
    expect(kantara.body.data.receipt.sensitive).toBe(true);
    expect(kantara.body.data.receipt.spiCat).toContain(
      'GDPR Art. 9(1): data concerning health (Allergies)'
    );
  });
});
