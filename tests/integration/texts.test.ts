import { startApp, type TestApp } from '../helpers/app';
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

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

describe('GET /api/consent/texts (public)', () => {
  it('returns the current text of every active purpose in the asked locale, without authentication', async () => {
    const res = await app.http().get('/api/consent/texts').query({ locale: 'da' });
    expect(res.status).toBe(200);
    const keys = res.body.data.map((t: { purpose: string }) => t.purpose);
    expect(keys).toEqual(['service', 'storage', 'marketing', 'health']);
    const storage = res.body.data.find((t: { purpose: string }) => t.purpose === 'storage');
    expect(storage).toMatchObject({
      locale: 'da',
      version: '2.1',
      required: true,
      explicit: false,
      legalBasis: 'consent',
    });
    expect(storage.title).toBe('Opbevaring af personoplysninger');
    expect(storage.sha256).toMatch(/^[0-9a-f]{64}$/);
    const health = res.body.data.find((t: { purpose: string }) => t.purpose === 'health');
    expect(health).toMatchObject({ explicit: true, specialCategory: true, required: false });
    const service = res.body.data.find((t: { purpose: string }) => t.purpose === 'service');
    expect(service).toMatchObject({
      legalBasis: 'contract',
      requiresConsent: false,
      required: false,
    });
  });

  it('falls back to the default locale for a locale without a body', async () => {
    const res = await app.http().get('/api/consent/texts').query({ locale: 'de' });
    expect(res.status).toBe(200);
    expect(res.body.data.every((t: { locale: string }) => t.locale === 'en')).toBe(true);
  });

  it('rejects a malformed locale with a 400 in Strapi error shape', async () => {
    const res = await app.http().get('/api/consent/texts').query({ locale: '../../etc' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ data: null, error: { status: 400, name: 'ValidationError' } });
  });
});

describe('publishing text versions', () => {
  it('lists purposes and versions to an admin', async () => {
    const token = await app.adminToken();
    const purposes = await app.http().get('/consent/purposes').set(auth(token));
    expect(purposes.status).toBe(200);
    expect(purposes.body.data).toHaveLength(4);
    const versions = await app.http().get('/consent/purposes/storage/versions').set(auth(token));
    expect(versions.status).toBe(200);
    expect(versions.body.data.versions.map((v: { version: string }) => v.version)).toEqual([
      '2.1',
      '2.0',
      '1.0',
    ]);
    expect(versions.body.data.versions[0]).toMatchObject({ changeKind: 'editorial' });
    expect(Object.keys(versions.body.data.versions[0].bodies).sort()).toEqual(['da', 'en', 'sv']);
  });

  it('editorial keeps consents valid; substantive makes them outdated; consenting to the new major makes them valid again', async () => {
    const client = await createClient(app.strapi);
    const given = await recordDecisions(app, client, {
      decisions: [{ purpose: 'storage', decision: 'given' }],
    });
    expect(given.status).toBe(201);
    expect((await subjectConsent(app, client)).valid).toBe(true);
    const validBefore = await subjectsByConsent(app, 'valid');
    expect(validBefore).toContain(client);

    const editorial = await publishVersion(app, 'storage', {
      changeKind: 'editorial',
      bodies: bodies('typo fixed'),
    });
    expect(editorial.status).toBe(201);
    expect(editorial.body.data).toMatchObject({ version: '2.2', changeKind: 'editorial' });
    expect(await subjectsByConsent(app, 'valid')).toEqual(validBefore);

    const substantive = await publishVersion(app, 'storage', {
      changeKind: 'substantive',
      bodies: bodies('new purpose'),
    });
    expect(substantive.status).toBe(201);
    expect(substantive.body.data).toMatchObject({ version: '3.0', changeKind: 'substantive' });

    expect(await subjectsByConsent(app, 'valid')).toEqual([]);
    const invalid = await subjectsByConsent(app, 'invalid');
    expect(invalid).toEqual(expect.arrayContaining([client, ...validBefore]));
    const consent = await subjectConsent(app, client);
    expect(consent).toMatchObject({ valid: false, status: 'outdated' });
    expect(consent.purposes.find((p) => p.purpose === 'storage')).toMatchObject({
      status: 'outdated',
      currentVersion: '3.0',
    });

    const again = await recordDecisions(app, client, {
      decisions: [{ purpose: 'storage', decision: 'given', version: '3.0' }],
    });
    expect(again.status).toBe(201);
    expect(await subjectsByConsent(app, 'valid')).toEqual([client]);
  });

  it('rejects bad versions with a 4xx and writes nothing', async () => {
    const before = await ledgerCounts(app.strapi);
    const cases: [string, unknown, number][] = [
      ['storage', { changeKind: 'substantive', bodies: { da: bodies('x').da } }, 400], // default locale missing
      [
        'storage',
        { changeKind: 'substantive', bodies: { ...bodies('x'), de: bodies('x').en } },
        400,
      ], // unknown locale
      ['storage', { changeKind: 'major', bodies: bodies('x') }, 400],
      ['storage', { changeKind: 'editorial', bodies: { en: { title: '', text: 'x' } } }, 400],
      [
        'storage',
        { changeKind: 'editorial', bodies: { en: { title: 't', text: 'x'.repeat(1_000_001) } } },
        400,
      ],
      ['storage', { changeKind: 'editorial', bodies: bodies('x'), extra: true }, 400],
      ['storage', [], 400],
      ['nope', { changeKind: 'editorial', bodies: bodies('x') }, 404],
      ['BAD KEY', { changeKind: 'editorial', bodies: bodies('x') }, 400],
    ];
    for (const [purpose, body, status] of cases) {
      const res = await publishVersion(app, encodeURIComponent(purpose), body);
      expect([res.status, purpose]).toEqual([expect.any(Number), purpose]);
      if (status === 400 && res.status === 413) continue; // a body over the size limit is refused before parsing
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ data: null, error: { status } });
    }
    expect(await ledgerCounts(app.strapi)).toEqual(before);
  });
});
