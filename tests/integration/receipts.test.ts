import { execFile } from 'node:child_process';
import {
  createPublicKey,
  generateKeyPairSync,
  verify as cryptoVerify,
  type JsonWebKey,
} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSigningKey, signJws } from '../../server/src/domain/jws';
import { validateKantaraReceipt } from '../../server/src/domain/receipt-kantara';
import { startApp, type TestApp } from '../helpers/app';
import { auth, createClient, recordDecisions } from '../helpers/consent';
import { APP_DIR, ROOT } from '../helpers/paths';

/**
 * Consent receipts over HTTP on the real demo app, signed with an EC P-256 key
 * passed through CONSENT_RECEIPT_KEY: a Kantara v1.1 receipt and an ISO/IEC TS
 * 27560-shaped record of a client and of one event; the signature verifies through
 * the admin endpoint, the public endpoint, the JWKS (offline) and the
 * `strapi-consent verify-receipt` command; an altered receipt or another key fails.
 */
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const KEY_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const CONTROLLER = {
  name: 'Salon Nord ApS',
  contact: 'Data protection desk',
  email: 'privacy@salon-nord.example',
  phone: '+45 70 00 00 00',
  address: 'Nørregade 1, 1165 København K',
  country: 'DK',
  privacyPolicyUrl: 'https://salon-nord.example/privacy',
};

let app: TestApp;
let token: string;
let client: string;
let email: string;
let events: {
  id: number;
  documentId: string;
  purposeKey: string;
  decision: string;
  textHash: string;
  textVersion: string;
}[];

beforeAll(async () => {
  // The command line test reads the same database: the rate limit is high for the loop at the end only.
  app = await startApp({
    env: { CONSENT_WORKER: 'false', CONSENT_RECEIPT_KEY: KEY_PEM, CONSENT_RATE_LIMIT_MAX: '40' },
  });
  token = await app.adminToken();
  expect(
    (await app.http().put('/consent/settings').set(auth(token)).send({ controller: CONTROLLER }))
      .status
  ).toBe(200);
  email = `receipt.${Date.now()}@example.com`;
  client = await createClient(app.strapi, { name: 'Receipt Client', email, phone: '+4522334455' });
  await recordDecisions(app, client, {
    decisions: [
      { purpose: 'storage', decision: 'given' },
      { purpose: 'marketing', decision: 'given' },
    ],
    note: 'at the desk',
  });
  await recordDecisions(app, client, {
    decisions: [{ purpose: 'marketing', decision: 'withdrawn' }],
  });
  await recordDecisions(app, client, {
    decisions: [{ purpose: 'health', decision: 'given', explicit: true }],
    locale: 'da',
  });
  const res = await app
    .http()
    .get(`/consent/subjects/${client}/events`)
    .query({ pageSize: 100 })
    .set(auth(token));
  events = res.body.data.reverse();
});
afterAll(async () => {
  await app?.stop();
});

const get = (p: string, query: Record<string, string> = {}) =>
  app.http().get(p).query(query).set(auth(token));
const verifyAdmin = (body: object) =>
  app.http().post('/consent/receipts/verify').set(auth(token)).send(body);
const verifyPublic = (body: object) => app.http().post('/api/consent/receipts/verify').send(body);

/** The same JWS with its payload changed and its signature kept. */
const alter = (jws: string, change: (payload: Record<string, unknown>) => void) => {
  const [h, p, s] = jws.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  change(payload);
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
};

describe('Kantara Consent Receipt v1.1 of a client', () => {
  let receipt: Record<string, unknown> & { services: { purposes: Record<string, unknown>[] }[] };
  let jws: string;

  beforeAll(async () => {
    const res = await get(`/consent/subjects/${client}/receipt`, { format: 'kantara' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    ({ receipt, jws } = res.body.data);
  });

  it('has every required field of the specification, typed', () => {
    expect(validateKantaraReceipt(receipt)).toEqual([]);
    expect(receipt).toMatchObject({
      version: 'KI-CR-v1.1.0',
      jurisdiction: 'DK, EU (GDPR)',
      piiPrincipalId: client,
      policyUrl: CONTROLLER.privacyPolicyUrl,
      sensitive: true,
      piiControllers: [
        {
          piiController: CONTROLLER.name,
          contact: CONTROLLER.contact,
          email: CONTROLLER.email,
          phone: CONTROLLER.phone,
          address: { streetAddress: CONTROLLER.address, addressCountry: 'DK' },
          piiControllerUrl: 'https://salon-nord.example',
        },
      ],
    });
    expect(receipt.consentReceiptID).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    );
    // The latest decision among the consents it records (health), in epoch seconds.
    const health = events.find((e) => e.purposeKey === 'health') as unknown as {
      occurredAt: string;
    };
    expect(receipt.consentTimestamp).toBe(Math.floor(Date.parse(health.occurredAt) / 1000));
    expect(String(receipt.publicKey)).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('records the current consents only (marketing was withdrawn), and no contact details of the client', () => {
    const purposes = receipt.services[0].purposes;
    expect(purposes.map((p) => p.purpose)).toEqual([
      expect.stringMatching(/^Storage/),
      expect.stringMatching(/^Health/),
    ]);
    expect(purposes[1]).toMatchObject({ consentType: 'EXPLICIT', thirdPartyDisclosure: false });
    const text = JSON.stringify(receipt);
    expect(text).not.toContain(email);
    expect(text).not.toContain('22334455');
    expect(text).not.toContain('Receipt Client');
  });

  it('is signed: the JWS payload is the receipt, ES256 with the configured key', () => {
    const [h, p] = jws.split('.');
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toMatchObject({
      alg: 'ES256',
      typ: 'consent-receipt+jws',
      kid: loadSigningKey(KEY_PEM).kid,
    });
    expect(JSON.parse(Buffer.from(p, 'base64url').toString())).toEqual(receipt);
  });

  it('verifies through the admin and the public endpoint; altered or foreign receipts fail', async () => {
    for (const verify of [verifyAdmin, verifyPublic]) {
      const ok = await verify({ jws });
      expect(ok.status).toBe(200);
      expect(ok.body.data).toMatchObject({ valid: true, receipt });
      expect((await verify({ jws, receipt })).body.data.valid).toBe(true);

      const altered = await verify({ jws: alter(jws, (r) => (r.piiPrincipalId = 'someone-else')) });
      expect(altered.body.data).toEqual({
        valid: false,
        reason: 'the signature does not match the content',
      });
      // The receipt JSON changed beside an intact JWS.
      const changed = await verify({
        jws,
        receipt: { ...receipt, policyUrl: 'https://evil.example' },
      });
      expect(changed.body.data).toEqual({
        valid: false,
        reason: 'the receipt differs from the signed content',
      });
      // Signed by another key that claims the same kid.
      const other = loadSigningKey(
        generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
        loadSigningKey(KEY_PEM).kid
      );
      expect((await verify({ jws: signJws(receipt, other) })).body.data.valid).toBe(false);
    }
  });

  it('verifies offline with the public JWKS', async () => {
    const res = await app.http().get('/api/consent/receipts/jwks');
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    const jwk = res.body.keys[0] as JsonWebKey & { kid: string; alg: string; d?: string };
    expect(jwk).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
      kid: loadSigningKey(KEY_PEM).kid,
    });
    expect(jwk.d).toBeUndefined();
    const [h, p, s] = jws.split('.');
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    expect(
      cryptoVerify(
        'sha256',
        Buffer.from(`${h}.${p}`),
        { key, dsaEncoding: 'ieee-p1363' },
        Buffer.from(s, 'base64url')
      )
    ).toBe(true);
  });

  it('every receipt is audited, without personal data', async () => {
    const rows = (await app.strapi.db
      .query('plugin::consent.consent-audit')
      .findMany({ where: { action: 'export.receipt', subject: client } })) as {
      details: Record<string, unknown>;
      actorType: string;
    }[];
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows[0]).toMatchObject({
      actorType: 'admin',
      details: {
        format: 'kantara',
        scope: 'subject',
        signed: true,
        purposes: 2,
        receiptId: receipt.consentReceiptID,
      },
    });
    expect(JSON.stringify(rows)).not.toContain(email);
  });

  it('admin verifications are audited as receipt.verify; public ones are not', async () => {
    const audit = app.strapi.db.query('plugin::consent.consent-audit');
    const verifies = await audit.count({ where: { action: 'receipt.verify' } });
    expect(verifies).toBeGreaterThanOrEqual(1);
    const total = await audit.count({});
    expect((await verifyPublic({ jws })).body.data.valid).toBe(true);
    expect(await audit.count({})).toBe(total);
    expect((await verifyAdmin({ jws })).body.data.valid).toBe(true);
    expect(await audit.count({ where: { action: 'receipt.verify', actorType: 'admin' } })).toBe(
      verifies + 1
    );
  });
});

describe('ISO/IEC TS 27560-shaped record', () => {
  it('of a client: every active purpose with legal basis, notice version and hash, status and timestamps, event references', async () => {
    const res = await get(`/consent/subjects/${client}/receipt`, { format: 'iso27560' });
    expect(res.status).toBe(200);
    const { receipt, jws } = res.body.data;
    expect(typeof jws).toBe('string');
    expect(receipt).toMatchObject({
      schema_version: 'ISO/IEC TS 27560:2023',
      pii_principal: { id: client },
      controllers: [
        {
          name: CONTROLLER.name,
          email: CONTROLLER.email,
          privacy_policy: CONTROLLER.privacyPolicyUrl,
        },
      ],
    });
    type IsoPurpose = {
      purpose_id: string;
      legal_basis: { dpv: string; gdpr: string };
      notice: { version: string; hash: { value: string } | null };
      consent: Record<string, unknown>;
      events: { id: number; hash: { value: string } | null }[];
      withdrawal: { method: string };
    };
    const byKey = Object.fromEntries(
      (receipt.purposes as IsoPurpose[]).map((p) => [p.purpose_id, p])
    );
    const storageEvent = events.find((e) => e.purposeKey === 'storage')!;
    expect(byKey.storage).toMatchObject({
      legal_basis: { dpv: 'dpv:Consent', gdpr: 'eu-gdpr:A6-1-a' },
      notice: {
        version: storageEvent.textVersion,
        hash: { algorithm: 'SHA-256', value: storageEvent.textHash },
      },
      consent: {
        status: 'dpv:ConsentGiven',
        collection_method: { channel: 'in_person' },
        ended_at: null,
      },
    });
    expect(byKey.storage.events.map((e) => e.id)).toEqual([storageEvent.id]);
    // Withdrawn: both the consent and its withdrawal are referenced, with both times.
    const [given, withdrawn] = events.filter((e) => e.purposeKey === 'marketing');
    expect(byKey.marketing.consent).toMatchObject({
      status: 'dpv:ConsentWithdrawn',
      given_at: (given as unknown as { occurredAt: string }).occurredAt,
      ended_at: (withdrawn as unknown as { occurredAt: string }).occurredAt,
    });
    expect(byKey.marketing.events.map((e) => e.id)).toEqual([given.id, withdrawn.id]);
    expect(byKey.marketing.withdrawal.method).toContain(CONTROLLER.email);
    // Event hashes: the chain's, when the event row has one.
    const rows = await app.strapi.db
      .connection('consent_events')
      .whereIn('id', [given.id, withdrawn.id])
      .orderBy('id');
    byKey.marketing.events.forEach((ref, i) =>
      expect(ref.hash?.value ?? null).toBe((rows[i] as { hash?: string }).hash ?? null)
    );
    expect((await verifyPublic({ jws })).body.data.valid).toBe(true);
  });

  it('of one event, by numeric id or document id; Kantara refuses a withdrawal', async () => {
    const withdrawn = events.find((e) => e.decision === 'withdrawn')!;
    const byId = await get(`/consent/events/${withdrawn.id}/receipt`, { format: 'iso27560' });
    expect(byId.status).toBe(200);
    expect(byId.body.data.receipt.purposes).toHaveLength(1);
    expect(byId.body.data.receipt.purposes[0]).toMatchObject({
      purpose_id: 'marketing',
      consent: { status: 'dpv:ConsentWithdrawn', decision: 'withdrawn' },
    });
    const byDocumentId = await get(`/consent/events/${withdrawn.documentId}/receipt`, {
      format: 'iso27560',
    });
    expect(byDocumentId.body.data.receipt.purposes[0].events[0].id).toBe(withdrawn.id);

    const kantara = await get(`/consent/events/${withdrawn.id}/receipt`, { format: 'kantara' });
    expect(kantara.status).toBe(400);
    expect(kantara.body.error).toMatchObject({ name: 'ValidationError' });

    const given = events.find((e) => e.purposeKey === 'health')!;
    const ok = await get(`/consent/events/${given.documentId}/receipt`);
    expect(ok.status).toBe(200);
    expect(validateKantaraReceipt(ok.body.data.receipt)).toEqual([]);
    expect(ok.body.data.receipt.language).toBe('da');
  });
});

describe('bad input', () => {
  it('404 for an unknown client or event, 404 for a Kantara receipt of a client without consent, 400 for a bad format or body', async () => {
    expect((await get('/consent/subjects/nosuchclient/receipt')).status).toBe(404);
    expect((await get('/consent/events/99999999/receipt')).status).toBe(404);
    expect((await get('/consent/events/nosuchevent/receipt')).status).toBe(404);
    const nobody = await createClient(app.strapi);
    const none = await get(`/consent/subjects/${nobody}/receipt`);
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ data: null, error: { status: 404, name: 'NotFoundError' } });
    expect((await get(`/consent/subjects/${nobody}/receipt`, { format: 'iso27560' })).status).toBe(
      200
    );
    expect((await get(`/consent/subjects/${client}/receipt`, { format: 'pdf' })).status).toBe(400);
    for (const body of [{}, { jws: 42 }, { jws: 'a.b.c', extra: 1 }]) {
      const res = await verifyPublic(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ status: 400 });
    }
    expect((await verifyPublic({ jws: 'not-a-jws' })).body.data).toMatchObject({
      valid: false,
      reason: expect.stringContaining('compact JWS'),
    });
  });
});

describe('strapi-consent verify-receipt', () => {
  const run = (file: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          path.join(ROOT, 'bin', 'strapi-consent.js'),
          'verify-receipt',
          file,
          '--app',
          APP_DIR,
          '--json',
        ],
        { env: { ...process.env }, timeout: 120_000 },
        (error, stdout, stderr) =>
          resolve({
            code: error ? Number((error as { code?: number }).code ?? 1) : 0,
            stdout,
            stderr,
          })
      );
    });

  it('exits 0 for a signed receipt (JWS file or the saved response) and 1 for an altered one', async () => {
    const res = await get(`/consent/subjects/${client}/receipt`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-'));
    const good = path.join(dir, 'receipt.jws');
    const saved = path.join(dir, 'receipt.json');
    const bad = path.join(dir, 'altered.jws');
    fs.writeFileSync(good, res.body.data.jws);
    fs.writeFileSync(saved, JSON.stringify(res.body));
    fs.writeFileSync(
      bad,
      alter(res.body.data.jws, (r) => (r.consentTimestamp = 1))
    );

    const ok = await run(good);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true });
    expect((await run(saved)).code).toBe(0);
    const altered = await run(bad);
    expect(altered.code).toBe(1);
    expect(JSON.parse(altered.stdout)).toEqual({
      valid: false,
      reason: 'the signature does not match the content',
    });
    fs.rmSync(dir, { recursive: true, force: true });
  }, 240_000);
});

describe('public endpoints are rate-limited', () => {
  it("answers 429 in Strapi's error shape with Retry-After once an address is over the limit", async () => {
    let limited: import('supertest').Response | null = null;
    for (let i = 0; i < 60 && !limited; i += 1) {
      const res = await app.http().get('/api/consent/receipts/jwks');
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(200);
    }
    expect(limited).not.toBeNull();
    expect(limited!.body).toMatchObject({
      data: null,
      error: { status: 429, name: 'RateLimitError' },
    });
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
  });
});
