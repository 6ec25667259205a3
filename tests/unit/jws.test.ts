import { generateKeyPairSync, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import {
  canonicalJson,
  jwkThumbprint,
  loadSigningKey,
  signJws,
  verifyJws,
} from '../../server/src/domain/jws';
import {
  buildKantaraReceipt,
  KANTARA_REQUIRED,
  validateKantaraReceipt,
} from '../../server/src/domain/receipt-kantara';

const pem = (type: 'ec' | 'ed25519' | 'rsa') => {
  const options =
    type === 'ec' ? { namedCurve: 'P-256' } : type === 'rsa' ? { modulusLength: 2048 } : {};
  const { privateKey } = generateKeyPairSync(type as 'ec', options as { namedCurve: string });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
};

const trust = (key: ReturnType<typeof loadSigningKey>) => [
  { kid: key.kid, alg: key.alg, publicKey: key.publicKey },
];

const tamper = (jws: string, change: (payload: Record<string, unknown>) => void) => {
  const [h, p, s] = jws.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  change(payload);
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
};

describe('compact JWS', () => {
  it.each([
    ['ec', 'ES256'],
    ['ed25519', 'EdDSA'],
    ['rsa', 'RS256'],
  ] as const)(
    '%s key signs %s and verifies; an altered payload or another key fails',
    (type, alg) => {
      const key = loadSigningKey(pem(type));
      expect(key.alg).toBe(alg);
      const jws = signJws({ hello: 'world', n: 1 }, key);
      const header = JSON.parse(Buffer.from(jws.split('.')[0], 'base64url').toString('utf8'));
      expect(header).toEqual({ alg, kid: key.kid, typ: 'consent-receipt+jws' });

      const ok = verifyJws(jws, trust(key));
      expect(ok).toMatchObject({ valid: true, payload: { hello: 'world', n: 1 } });

      expect(
        verifyJws(
          tamper(jws, (p) => (p.n = 2)),
          trust(key)
        )
      ).toMatchObject({ valid: false, reason: 'the signature does not match the content' });

      // Another key under the same kid: the signature does not verify.
      const other = loadSigningKey(pem(type), key.kid);
      expect(verifyJws(signJws({ hello: 'world', n: 1 }, other), trust(key))).toMatchObject({
        valid: false,
      });
      // Another key with its own kid: unknown key.
      expect(
        verifyJws(signJws({ hello: 'world' }, loadSigningKey(pem(type))), trust(key))
      ).toMatchObject({ valid: false, reason: expect.stringContaining('unknown key') });
    }
  );

  it('ES256 signatures are raw r||s (64 bytes), checkable by any JOSE library', () => {
    const key = loadSigningKey(pem('ec'));
    const jws = signJws({ a: 1 }, key);
    const [h, p, s] = jws.split('.');
    const sig = Buffer.from(s, 'base64url');
    expect(sig).toHaveLength(64);
    const publicKey = createPublicKey({
      key: key.jwk as import('node:crypto').JsonWebKey,
      format: 'jwk',
    });
    expect(
      cryptoVerify(
        'sha256',
        Buffer.from(`${h}.${p}`),
        { key: publicKey, dsaEncoding: 'ieee-p1363' },
        sig
      )
    ).toBe(true);
  });

  it('refuses alg confusion and "none", and garbage never throws', () => {
    const key = loadSigningKey(pem('ec'));
    const jws = signJws({ a: 1 }, key);
    const [, p] = jws.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: key.kid })).toString('base64url')}.${p}.x`;
    expect(verifyJws(none, trust(key))).toMatchObject({
      valid: false,
      reason: expect.stringContaining('does not match the key'),
    });
    const hs = `${Buffer.from(JSON.stringify({ alg: 'HS256', kid: key.kid })).toString('base64url')}.${p}.${jws.split('.')[2]}`;
    expect(verifyJws(hs, trust(key)).valid).toBe(false);
    for (const bad of [
      '',
      'a.b',
      'a.b.c.d',
      '!!.??.**',
      'e30.e30.',
      `${'x'.repeat(10)}.e30.AAAA`,
    ]) {
      expect(verifyJws(bad, trust(key)).valid).toBe(false);
    }
  });

  it("kid defaults to the RFC 7638 thumbprint (the RFC's own example key)", () => {
    // RFC 7638 section 3.1.
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(jwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
    const key = loadSigningKey(pem('ed25519'));
    expect(key.kid).toBe(jwkThumbprint(key.jwk));
    expect(loadSigningKey(pem('ed25519'), 'receipts-2026').kid).toBe('receipts-2026');
  });

  it('reads a PEM whose line breaks were written as \\n (an environment variable)', () => {
    const text = pem('ec');
    expect(loadSigningKey(text.replace(/\n/g, '\\n')).alg).toBe('ES256');
  });

  it('refuses keys it cannot sign receipts with', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    expect(() =>
      loadSigningKey(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())
    ).toThrow(/P-256, Ed25519 or RSA/);
    expect(() => loadSigningKey('not a key')).toThrow();
  });

  it('canonical JSON ignores key order only', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(
      canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 })
    );
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });
});

describe('Kantara Consent Receipt v1.1 validator', () => {
  const receipt = () =>
    buildKantaraReceipt({
      receiptId: '3d1f7a52-3a3e-4d43-8a5c-2a0f3f1b4c11',
      subject: 'abc123',
      controller: {
        name: 'Demo Salon',
        contact: 'Desk',
        email: 'desk@example.com',
        phone: '+45 11 22 33 44',
        address: 'Main St 1',
        country: 'DK',
        privacyPolicyUrl: 'https://salon.example/privacy',
      },
      fallbackPolicyUrl: 'http://localhost/api/consent/texts',
      withdrawal: 'the link in any message',
      language: 'da',
      consents: [
        {
          purpose: {
            key: 'storage',
            name: 'Storage',
            description: null,
            legalBasis: 'consent',
            specialCategory: false,
            specialCategoryKind: null,
            marketing: false,
            required: true,
          },
          decision: 'given',
          explicit: false,
          occurredAt: '2026-01-02T03:04:05.000Z',
          channel: 'booking_page',
          source: 'web',
          textVersion: '1.0',
          textHash: 'ab'.repeat(32),
          textLocale: 'da',
        },
        {
          purpose: {
            key: 'health',
            name: 'Health data',
            description: 'Allergies',
            legalBasis: 'consent',
            specialCategory: true,
            specialCategoryKind: 'health',
            marketing: false,
            required: false,
          },
          decision: 'given',
          explicit: true,
          occurredAt: '2026-01-02T03:04:06.000Z',
          channel: 'in_person',
          source: null,
          textVersion: '2.1',
          textHash: 'cd'.repeat(32),
          textLocale: 'da',
        },
      ],
    });

  it('a built receipt conforms, with the published field names', () => {
    const r = receipt();
    expect(validateKantaraReceipt(r)).toEqual([]);
    expect(r).toMatchObject({
      version: 'KI-CR-v1.1.0',
      consentTimestamp: 1767323046,
      piiPrincipalId: 'abc123',
      language: 'da',
      sensitive: true,
    });
    expect(r.spiCat).toEqual(['GDPR Art. 9(1): data concerning health (Health data)']);
    expect(r.services[0].purposes.map((p) => p.consentType)).toEqual(['EXPRESSED', 'EXPLICIT']);
  });

  it.each(Object.keys(KANTARA_REQUIRED.receipt))('missing %s is reported', (field) => {
    const r = receipt() as unknown as Record<string, unknown>;
    delete r[field];
    expect(validateKantaraReceipt(r)).toContain(`${field}: required`);
  });

  it.each(Object.keys(KANTARA_REQUIRED.purpose))('a purpose without %s is reported', (field) => {
    const r = receipt();
    delete (r.services[0].purposes[1] as unknown as Record<string, unknown>)[field];
    expect(validateKantaraReceipt(r)).toContain(`services.0.purposes.1.${field}: required`);
  });

  it.each(Object.keys(KANTARA_REQUIRED.piiController))(
    'a controller without %s is reported',
    (field) => {
      const r = receipt();
      delete (r.piiControllers[0] as unknown as Record<string, unknown>)[field];
      expect(validateKantaraReceipt(r)).toContain(`piiControllers.0.${field}: required`);
    }
  );

  it('wrong types and conditional fields are reported', () => {
    const r = receipt() as unknown as Record<string, unknown>;
    expect(validateKantaraReceipt({ ...r, consentTimestamp: '2026-01-02' })).toContain(
      'consentTimestamp: wrong type or value'
    );
    expect(validateKantaraReceipt({ ...r, consentTimestamp: Date.now() })).toContain(
      'consentTimestamp: wrong type or value'
    );
    expect(validateKantaraReceipt({ ...r, version: 'KI-CR-v1.0.0' })).toContain(
      'version: wrong type or value'
    );
    expect(validateKantaraReceipt({ ...r, sensitive: 'no' })).toContain(
      'sensitive: wrong type or value'
    );
    expect(validateKantaraReceipt({ ...r, spiCat: [] })).toContain(
      'spiCat: must name the categories when sensitive is true'
    );
    const third = receipt();
    third.services[0].purposes[0].thirdPartyDisclosure = true;
    expect(validateKantaraReceipt(third)).toContain(
      'services.0.purposes.0.thirdPartyName: required when thirdPartyDisclosure is true'
    );
    expect(validateKantaraReceipt(null)).toEqual(['(receipt): must be an object']);
  });
});
