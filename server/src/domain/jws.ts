import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';

/**
 * Compact JWS (RFC 7515) over node:crypto, for signed consent receipts: no JOSE
 * dependency for three algorithms. The algorithm follows from the key, never from
 * the token: a verifier that took `alg` from the header could be talked into
 * checking an RS256 signature with an EC key or accepting `none`.
 */
export const JWS_ALGORITHMS = ['ES256', 'EdDSA', 'RS256'] as const;
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];

export const RECEIPT_JWS_TYPE = 'consent-receipt+jws';

export interface SigningKey {
  alg: JwsAlgorithm;
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as a JWK with alg, use and kid: what /receipts/jwks publishes. */
  jwk: JsonWebKey & { kid: string; alg: JwsAlgorithm; use: 'sig' };
}

export interface JwsHeader {
  alg: string;
  kid?: string;
  typ?: string;
}

export type JwsVerification =
  | { valid: true; header: JwsHeader; payload: unknown }
  | { valid: false; reason: string; header?: JwsHeader; payload?: unknown };

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** The algorithm a key signs with, or an error naming what is supported. */
export const algorithmOf = (key: KeyObject): JwsAlgorithm => {
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
    return 'ES256';
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048)
    return 'RS256';
  throw new Error(
    'receipts.signingKey must be an EC P-256, Ed25519 or RSA (2048 bits or more) private key in PEM'
  );
};

/** RFC 7638 JWK thumbprint (SHA-256, base64url): the required members in lexicographic order. */
export const jwkThumbprint = (jwk: JsonWebKey): string => {
  const members: Record<string, string[]> = {
    EC: ['crv', 'kty', 'x', 'y'],
    OKP: ['crv', 'kty', 'x'],
    RSA: ['e', 'kty', 'n'],
  };
  const names = members[jwk.kty ?? ''];
  if (!names) throw new Error(`no thumbprint for key type ${jwk.kty}`);
  const canonical = `{${names.map((n) => `${JSON.stringify(n)}:${JSON.stringify(jwk[n as keyof JsonWebKey])}`).join(',')}}`;
  return b64url(createHash('sha256').update(canonical).digest());
};

/**
 * Load a PEM private key. Keys passed through environment variables often arrive
 * with their line breaks written as "\n": those are restored.
 */
export const loadSigningKey = (pem: string, keyId?: string): SigningKey => {
  const privateKey = createPrivateKey(pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem);
  const alg = algorithmOf(privateKey);
  const publicKey = createPublicKey(privateKey);
  const exported = publicKey.export({ format: 'jwk' });
  const kid = keyId ?? jwkThumbprint(exported);
  return { alg, kid, privateKey, publicKey, jwk: { ...exported, kid, alg, use: 'sig' } };
};

const digestOf = (alg: JwsAlgorithm): string | null => (alg === 'EdDSA' ? null : 'sha256');

/** Sign a JSON payload: `header.payload.signature`, base64url each. */
export const signJws = (
  payload: unknown,
  key: SigningKey,
  typ: string = RECEIPT_JWS_TYPE
): string => {
  const header: JwsHeader = { alg: key.alg, kid: key.kid, typ };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  // ES256 signatures are the raw r||s pair (RFC 7518 3.4), not DER.
  const signature = sign(digestOf(key.alg), Buffer.from(input), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${b64url(signature)}`;
};

const BASE64URL = /^[A-Za-z0-9_-]*$/;

const decodeJson = (part: string): unknown => {
  if (!BASE64URL.test(part)) throw new Error('not base64url');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
};

/**
 * Verify a compact JWS against one of the trusted public keys (by `kid`, or the
 * only key when the token names none). Never throws on bad input: the reason says
 * what is wrong.
 */
export const verifyJws = (
  jws: string,
  trusted: { kid: string; alg: JwsAlgorithm; publicKey: KeyObject }[]
): JwsVerification => {
  const parts = typeof jws === 'string' ? jws.trim().split('.') : [];
  if (parts.length !== 3 || parts.some((p) => !BASE64URL.test(p)) || !parts[0] || !parts[2]) {
    return { valid: false, reason: 'not a compact JWS (three base64url parts separated by dots)' };
  }
  let header: JwsHeader;
  let payload: unknown;
  try {
    header = decodeJson(parts[0]) as JwsHeader;
    payload = decodeJson(parts[1]);
  } catch {
    return { valid: false, reason: 'the header or payload is not base64url-encoded JSON' };
  }
  if (!header || typeof header !== 'object' || typeof header.alg !== 'string') {
    return { valid: false, reason: 'the header has no algorithm', payload };
  }
  const key =
    header.kid !== undefined
      ? trusted.find((k) => k.kid === header.kid)
      : trusted.length === 1
        ? trusted[0]
        : undefined;
  if (!key)
    return {
      valid: false,
      reason: `signed by an unknown key (kid ${JSON.stringify(header.kid ?? null)})`,
      header,
      payload,
    };
  if (header.alg !== key.alg)
    return {
      valid: false,
      reason: `algorithm ${header.alg} does not match the key (${key.alg})`,
      header,
      payload,
    };
  const signature = Buffer.from(parts[2], 'base64url');
  let ok = false;
  try {
    ok = verify(
      digestOf(key.alg),
      Buffer.from(`${parts[0]}.${parts[1]}`),
      { key: key.publicKey, dsaEncoding: 'ieee-p1363' },
      signature
    );
  } catch {
    ok = false;
  }
  return ok
    ? { valid: true, header, payload }
    : { valid: false, reason: 'the signature does not match the content', header, payload };
};

/**
 * JSON with object keys sorted at every level: two receipts are the same receipt
 * when their canonical forms are equal, whatever order a tool wrote the keys in.
 */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
};
