import fc from 'fast-check';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startApp, type TestApp } from '../helpers/app';
import { auth } from '../helpers/consent';

/**
 * Bad input never gets a 5xx (issue 18, point 6): a fixed-seed stream of malformed
 * requests to every route the plugin answers (the public consent pages, texts,
 * receipts, the admin API) or fronts (the booking intake), in this process through
 * supertest. Every request is malformed by construction, so none may write a row
 * either: the plugin's tables and the demo's clients and bookings are counted
 * before and after.
 *
 * FUZZ_RUNS / FUZZ_SEED override the defaults to explore locally; CI runs the fixed ones.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
/** Requests in flight at once: overlaps the database's I/O without starving the 2 cores. */
const PARALLEL = 4;

const DAY_SECONDS = 86_400;

let app: TestApp;
let adminToken: string;
/** The app listening once on a local port, reached over kept-alive connections: supertest would otherwise listen and close per request. */
let baseUrl: string;
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: PARALLEL });

beforeAll(async () => {
  app = await startApp({
    env: {
      CONSENT_WORKER: 'false',
      // The limits would answer 429 long before the stream ends and hide the real answers, so
      // they are raised to the highest values the config accepts; the 429 page itself is
      // fuzzed once at the end with the limit lowered.
      CONSENT_RATE_LIMIT_MAX: '10000',
      CONSENT_INTAKE_RATE_MAX: '1000000',
      CONSENT_INTAKE_RATE_WINDOW_SECONDS: String(DAY_SECONDS),
    },
  });
  adminToken = await app.adminToken();
  const server = app.strapi.server.httpServer;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The start of a fresh intake window: the run stays inside it, so the intake's counter row is
  // written once, by the warm-up, and never again (a window that turned would add a row).
  const clock = app.strapi.plugin('consent').service('clock') as {
    now(): Date;
    set(at: Date): void;
  };
  const windowMs = DAY_SECONDS * 1000;
  clock.set(new Date((Math.floor(clock.now().getTime() / windowMs) + 1) * windowMs + 1000));
}, 120_000);
afterAll(async () => {
  (app?.strapi.plugin('consent').service('clock') as { reset(): void } | undefined)?.reset();
  keepAlive.destroy();
  await app?.stop();
});

// ---------------------------------------------------------------- inputs

/** Names that are also properties of every plain object: a lookup `obj[name]` finds a function. */
const PROTO_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'prototype',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'isPrototypeOf',
];

/** Strings that have broken parsers, validators or databases before. */
const poisonString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...PROTO_NAMES),
  fc.string({ maxLength: 20 }).map((s) => `${s}\u0000${s}`),
  fc.integer({ min: 256, max: 70_000 }).map((n) => 'x'.repeat(n)),
  fc.constantFrom(
    '\uD800',
    'a\uDFFFb',
    '%',
    '%00',
    '%E0%A4%A',
    '../../etc/passwd',
    '\u202E',
    '𝕏'.repeat(300),
    'null',
    '[object Object]'
  )
);

const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: poisonString },
  { weight: 2, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'da',
      'en-GB',
      'sv;q=0.5, da',
      '*',
      'x@example.com',
      '+4512345678',
      '1',
      '-1',
      '1e309'
    ),
  }
);

const oddKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...PROTO_NAMES),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('a[b]', 'a[]', '$where', 'decision-storage', 'explicit-storage')
);

const oddScalar: fc.Arbitrary<unknown> = fc.oneof(
  oddString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(1e308)
);

const oddValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    oddScalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(oddKey, tie('value'), { maxKeys: 4 })
  ),
})).value;

/** A JSON object with at least one poison in it (a key or a value), so no request can be a valid write. */
const poisonedObject = (
  base: fc.Arbitrary<Record<string, unknown>>
): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .tuple(base, fc.oneof(fc.constantFrom(...PROTO_NAMES), oddKey), poisonString, fc.boolean())
    .map(([object, key, value, asKey]) => {
      const out: Record<string, unknown> = { ...object };
      // defineProperty: an own `__proto__` key, as JSON.parse makes it from a request body.
      Object.defineProperty(out, asKey ? (PROTO_NAMES.includes(key) ? key : '__proto__') : key, {
        value: asKey ? {} : value,
        enumerable: true,
        configurable: true,
        writable: true,
      });
      return out;
    });

const oddObject = fc.dictionary(oddKey, oddValue, { maxKeys: 5 });

const bodyText = (value: unknown): string => JSON.stringify(value) ?? 'null';

/** A body that no parser accepts as it is labelled. */
const brokenBody = fc.oneof(
  fc.constant({
    type: 'multipart/form-data; boundary=xyz',
    text: '--xyz\r\nContent-Disposition: form-data; name="data"\r\n\r\n{"a":1}',
  }),
  fc.constant({ type: 'multipart/form-data', text: 'not multipart' }),
  fc.constant({
    type: 'multipart/form-data; boundary=b',
    text: '--b\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n',
  }),
  fc
    .string({ maxLength: 60 })
    .map((text) => ({ type: 'application/json', text: `{"data": ${text}` })),
  fc.string({ maxLength: 60 }).map((text) => ({
    type: 'application/x-www-form-urlencoded',
    text: `${text}&a[b][c][d][e][f][g]=1&__proto__[x]=1&%ZZ=%`,
  })),
  fc.constant({
    type: 'application/json',
    text: '{"data":{"__proto__":{"x":1},"constructor":{"prototype":{}}}}',
  }),
  fc.constant({ type: 'text/plain', text: '\u0000\u0001' }),
  fc.constant({ type: 'application/xml', text: '<a/>' })
);

// ---------------------------------------------------------------- requests

interface FuzzRequest {
  /** What the stream sends, for the report of any 5xx. */
  kind: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  admin?: boolean;
  headers?: Record<string, string>;
  json?: unknown;
  raw?: { type: string; text: string };
  form?: string;
}

/** Percent-encoding of any string: a lone surrogate has no UTF-8 form, so it goes as U+FFFD. */
const enc = (value: string): string =>
  encodeURIComponent(
    value.replace(
      /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '\uFFFD'
    )
  );

/** Header values must be what an HTTP client can send: no control characters, no non-Latin-1. */
const headerSafe = (value: string): string => value.replace(/[^\x20-\x7E]/g, '?').slice(0, 2000);
const acceptLanguage = fc.oneof(
  fc.constantFrom(...PROTO_NAMES),
  fc.constantFrom(...PROTO_NAMES).map((name) => `${name};q=0.9, da`),
  fc.constantFrom(...PROTO_NAMES).map((name) => `${name}-DK`),
  oddString.map(headerSafe)
);
const segment = oddString.map((s) => enc(s.slice(0, 300)));
const pathToken = fc.oneof(
  segment,
  fc.constantFrom(...PROTO_NAMES),
  fc.constantFrom('%', '%E0%A4%A', '%00', '..', '%2F'),
  fc.string({ minLength: 20, maxLength: 60 }).map((s) => enc(s))
);
const query = fc
  .array(
    fc.tuple(
      oddKey,
      oddString.map((s) => s.slice(0, 3000))
    ),
    { maxLength: 4 }
  )
  .map((pairs) => pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&'));
const withQuery = (path: string, q: string) => (q ? `${path}?${q}` : path);
const namedQuery = (names: string[]) =>
  fc
    .tuple(
      fc.constantFrom(...names),
      oddString.map((s) => s.slice(0, 3000)),
      query,
      fc.boolean()
    )
    .map(([name, value, rest, asArray]) =>
      [`${enc(name)}${asArray ? '[]' : ''}=${enc(value)}`, rest].filter(Boolean).join('&')
    );

const formBody = fc
  .array(
    fc.tuple(
      oddKey,
      oddString.map((s) => s.slice(0, 3000))
    ),
    { maxLength: 6 }
  )
  .map((pairs) => pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&'));

const consentPage: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc.constantFrom('r', 'm', 'u', 'dsr/c'),
    pathToken,
    acceptLanguage,
    fc.boolean(),
    formBody,
    fc.option(brokenBody),
    query
  )
  .map(([page, token, language, post, form, broken, q]) => ({
    kind: `${post ? 'POST' : 'GET'} /api/consent/${page}/:token`,
    method: post ? 'POST' : 'GET',
    path: withQuery(`/api/consent/${page}/${token}`, q),
    headers: { 'Accept-Language': language },
    ...(post ? (broken ? { raw: broken } : { form }) : {}),
  }));

const texts: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    namedQuery(['locale', 'purpose', 'purposes', 'filters', 'populate', 'sort']),
    acceptLanguage
  )
  .map(([q, language]) => ({
    kind: 'GET /api/consent/texts',
    method: 'GET',
    path: `/api/consent/texts?${q}`,
    headers: { 'Accept-Language': language },
  }));

const verifyReceipt: fc.Arbitrary<FuzzRequest> = fc
  .oneof(
    poisonedObject(oddObject).map((json) => ({ json })),
    poisonedObject(fc.record({ receipt: oddValue })).map((json) => ({ json })),
    oddValue.map((json) => ({ json })),
    brokenBody.map((raw) => ({ raw }))
  )
  .map((body) => ({
    kind: 'POST /api/consent/receipts/verify',
    method: 'POST',
    path: '/api/consent/receipts/verify',
    ...body,
  }));

const publicMisc: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc.constantFrom(
      '/api/consent/receipts/jwks',
      '/api/consent/me',
      '/api/consent/consent-form.js'
    ),
    query
  )
  .map(([path, q]) => ({
    kind: `GET ${path}`,
    method: 'GET',
    path: withQuery(path, q),
  }));

const contact = fc.record(
  { name: oddValue, email: oddValue, phone: oddValue, language: oddValue },
  { requiredKeys: [] }
);
const consentInput = fc.oneof(
  fc.record({ given: oddValue, refused: oddValue, texts: oddValue }, { requiredKeys: [] }),
  oddValue
);
const bookingData = fc.record(
  {
    startsAt: oddValue,
    service: oddValue,
    contact: fc.oneof(
      contact.map((c) => c as unknown),
      oddValue
    ),
    consent: consentInput,
    client: oddValue,
    notes: oddValue,
  },
  { requiredKeys: [] }
);
const booking: fc.Arbitrary<FuzzRequest> = fc
  .oneof(
    { weight: 4, arbitrary: poisonedObject(bookingData).map((data) => ({ json: { data } })) },
    // The poison inside data.contact or data.consent, where the plugin reads it.
    {
      weight: 3,
      arbitrary: fc.tuple(poisonedObject(contact), consentInput).map(([c, consent]) => ({
        json: {
          data: { startsAt: '2026-12-15T10:00:00.000Z', service: 'Haircut', contact: c, consent },
        },
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(poisonedObject(oddObject), bookingData)
        .map(([top, data]) => ({ json: { ...top, data } })),
    },
    { weight: 2, arbitrary: brokenBody.map((raw) => ({ raw })) },
    {
      weight: 1,
      arbitrary: oddValue
        .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
        .map((json) => ({ json })),
    }
  )
  .map((body) => ({ kind: 'POST /api/bookings', method: 'POST', path: '/api/bookings', ...body }));

const adminGet: fc.Arbitrary<FuzzRequest> = fc
  .oneof(
    namedQuery(['q', 'status', 'page', 'pageSize', 'sort', 'purpose', 'consent', 'filters[q]']).map(
      (q) => `/consent/clients?${q}`
    ),
    namedQuery(['subject', 'action', 'actor', 'from', 'to', 'page', 'pageSize', 'cursor']).map(
      (q) => `/consent/audit?${q}`
    ),
    namedQuery(['q', 'status', 'page', 'pageSize']).map((q) => `/consent/subjects?${q}`),
    namedQuery(['status', 'page', 'pageSize', 'campaign']).map((q) => `/consent/requests?${q}`),
    namedQuery(['page', 'pageSize', 'status']).map((q) => `/consent/campaigns?${q}`),
    namedQuery(['page', 'pageSize', 'q']).map((q) => `/consent/erasures?${q}`),
    namedQuery(['page', 'pageSize', 'months', 'before']).map(
      (q) => `/consent/retention/preview?${q}`
    ),
    namedQuery(['from', 'to', 'limit']).map((q) => `/consent/proof/verify?${q}`),
    namedQuery(['status', 'kind', 'due', 'client', 'before', 'limit']).map(
      (q) => `/consent/dsr?${q}`
    ),
    namedQuery(['format']).map((q) => `/consent/dsr/export?${q}`),
    fc
      .tuple(
        fc.constantFrom(
          '/consent/subjects/%s',
          '/consent/subjects/%s/events',
          '/consent/subjects/%s/export',
          '/consent/subjects/%s/receipt',
          '/consent/subjects/%s/requests',
          '/consent/subjects/%s/erasure',
          '/consent/events/%s/receipt',
          '/consent/campaigns/%s',
          '/consent/retention/runs/%s',
          '/consent/purposes/%s/versions',
          '/consent/bookings/%s/%s/check',
          '/consent/dsr/%s'
        ),
        pathToken,
        query
      )
      .map(([template, token, q]) => withQuery(template.replace(/%s/g, token), q)),
    fc
      .constantFrom(
        '/consent/purposes',
        '/consent/settings',
        '/consent/config',
        '/consent/overview',
        '/consent/subjects/statuses',
        '/consent/proof/checkpoints'
      )
      .chain((path) => query.map((q) => withQuery(path, q)))
  )
  .map((path) => ({
    kind: `GET ${path.split('?')[0].replace(/\/consent\/(\w+)\/[^/]+/, '/consent/$1/:x')}`,
    method: 'GET',
    path,
    admin: true,
  }));

const adminWrite: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc.constantFrom<[FuzzRequest['method'], string]>(
      ['POST', '/consent/purposes'],
      ['PUT', '/consent/purposes/%s'],
      ['POST', '/consent/purposes/%s/versions'],
      ['POST', '/consent/purposes/%s/versions/preview'],
      ['PUT', '/consent/settings'],
      ['POST', '/consent/receipts/verify'],
      ['POST', '/consent/subjects/%s/decisions'],
      ['POST', '/consent/subjects/%s/requests'],
      ['POST', '/consent/subjects/%s/erase'],
      ['POST', '/consent/campaigns'],
      ['POST', '/consent/retention/preview'],
      ['POST', '/consent/imports'],
      ['POST', '/consent/requests/%s/cancel'],
      ['POST', '/consent/campaigns/%s/pause'],
      ['POST', '/consent/dsr'],
      ['POST', '/consent/dsr/%s/transition'],
      ['POST', '/consent/dsr/%s/extend'],
      ['POST', '/consent/dsr/%s/actions']
    ),
    pathToken,
    fc.oneof(
      { weight: 4, arbitrary: poisonedObject(oddObject).map((json) => ({ json })) },
      {
        weight: 2,
        arbitrary: poisonedObject(
          fc.record(
            {
              key: oddValue,
              title: oddValue,
              legalBasis: oddValue,
              texts: oddValue,
              locale: oddValue,
              body: oddValue,
              organisation: oddValue,
              purposes: oddValue,
              decisions: oddValue,
              rows: oddValue,
            },
            { requiredKeys: [] }
          )
        ).map((json) => ({ json })),
      },
      {
        weight: 1,
        arbitrary: oddValue
          .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
          .map((json) => ({ json })),
      },
      { weight: 1, arbitrary: brokenBody.map((raw) => ({ raw })) }
    )
  )
  .map(([[method, template], token, body]) => ({
    kind: `${method} ${template.replace(/%s/g, ':x')}`,
    method,
    path: template.replace(/%s/g, token),
    admin: true,
    ...body,
  }));

const anyRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 5, arbitrary: consentPage },
  { weight: 2, arbitrary: texts },
  { weight: 2, arbitrary: verifyReceipt },
  { weight: 1, arbitrary: publicMisc },
  { weight: 6, arbitrary: booking },
  { weight: 4, arbitrary: adminGet },
  { weight: 4, arbitrary: adminWrite }
);

// ---------------------------------------------------------------- sending

const send = (req: FuzzRequest): request.Test => {
  const agent = request(baseUrl);
  let test =
    req.method === 'GET'
      ? agent.get(req.path)
      : req.method === 'PUT'
        ? agent.put(req.path)
        : agent.post(req.path);
  test = test.agent(keepAlive).set('User-Agent', 'consent-fuzz/1.0');
  if (req.admin) test = test.set(auth(adminToken));
  for (const [name, value] of Object.entries(req.headers ?? {})) test = test.set(name, value);
  if (req.raw) return test.set('Content-Type', req.raw.type).send(req.raw.text);
  if (req.form !== undefined) return test.type('form').send(req.form);
  if (req.json !== undefined)
    return test.set('Content-Type', 'application/json').send(bodyText(req.json));
  return test;
};

/** Rows in the plugin's tables and the demo's clients and bookings. */
const rowCounts = async (): Promise<Record<string, number>> => {
  const uids = [
    ...Object.keys(app.strapi.contentTypes).filter((uid) => uid.startsWith('plugin::consent.')),
    'api::client.client',
    'api::booking.booking',
  ];
  const counts: Record<string, number> = {};
  for (const uid of uids) {
    const table = app.strapi.db.metadata.get(uid as never).tableName;
    const [{ count }] = (await app.strapi.db.connection(table).count({ count: '*' })) as {
      count: number | string;
    }[];
    counts[table] = Number(count);
  }
  return counts;
};

const PROFILE = process.env.FUZZ_PROFILE === 'true';
const profile: Record<string, { n: number; ms: number }> = {};

/** Staff actions that read, and that the audit trail records however the request went. */
const AUDITED_READS = new Set([
  'proof.verify',
  'receipt.verify',
  'retention.preview',
  'export.dsr-register',
]);

const auditIds = async (): Promise<number> => {
  const row = (await app.strapi.db.connection('consent_audit').max({ id: 'id' }).first()) as
    | { id: number | string | null }
    | undefined;
  return Number(row?.id ?? 0);
};
const auditActionsSince = async (id: number): Promise<string[]> =>
  (
    (await app.strapi.db.connection('consent_audit').where('id', '>', id).distinct('action')) as {
      action: string;
    }[]
  )
    .map((row) => row.action)
    .sort();

interface Failure {
  kind: string;
  status: number;
  example: string;
  count: number;
}

const describeRequest = (req: FuzzRequest): string => {
  const body = req.raw
    ? `${req.raw.type}: ${req.raw.text}`
    : (req.form ?? (req.json === undefined ? '' : bodyText(req.json)));
  const short = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…(${s.length})` : s);
  return `${req.method} ${short(req.path)} ${JSON.stringify(req.headers ?? {})} ${short(body)}`;
};

const run = async (requests: FuzzRequest[]) => {
  const failures = new Map<string, Failure>();
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const req = requests[next];
      next += 1;
      const t0 = Date.now();
      const res = await send(req);
      if (PROFILE) {
        const entry = (profile[req.kind] ??= { n: 0, ms: 0 });
        entry.n += 1;
        entry.ms += Date.now() - t0;
      }
      if (res.status >= 500) {
        const key = `${res.status} ${req.kind}`;
        const seen = failures.get(key);
        if (seen) seen.count += 1;
        else
          failures.set(key, {
            kind: req.kind,
            status: res.status,
            example: `${describeRequest(req)} -> ${JSON.stringify(res.body).slice(0, 300)}`,
            count: 1,
          });
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return [...failures.values()].sort((a, b) => b.count - a.count);
};

test(`${RUNS} malformed requests (seed ${SEED}): no 5xx, no row written`, async () => {
  // Warm-up: one anonymous booking attempt (refused by validation, after the limit counted it)
  // writes the intake limit's counter row for this window.
  const warmUp = await send({
    kind: 'warm-up',
    method: 'POST',
    path: '/api/bookings',
    json: { data: { contact: { name: '' } } },
  });
  expect(warmUp.status).toBe(400);
  const before = await rowCounts();
  const auditBefore = await auditIds();

  const requests = fc.sample(anyRequest, { seed: SEED, numRuns: RUNS });
  const started = Date.now();
  const failures = await run(requests);
  const elapsed = Date.now() - started;

  const fiveHundreds = failures.reduce((sum, f) => sum + f.count, 0);
  if (failures.length > 0)
    console.log(
      `5xx: ${fiveHundreds} of ${requests.length} in ${elapsed} ms\n${failures.map((f) => `${f.count}× ${f.status} ${f.kind}\n   e.g. ${f.example}`).join('\n')}`
    );
  else console.log(`${requests.length} malformed requests in ${elapsed} ms, no 5xx`);
  if (PROFILE)
    console.log(
      Object.entries(profile)
        .sort((a, b) => b[1].ms - a[1].ms)
        .map(([k, v]) => `${k}: ${v.n} × ${Math.round(v.ms / v.n)} ms`)
        .join('\n')
    );
  expect(failures).toEqual([]);
  const after = await rowCounts();
  // The audit trail records what staff did, reads included (a verification, a preview): those
  // rows are the trail working, not bad input written. Anything else would be a write.
  const audited = await auditActionsSince(auditBefore);
  expect(audited.filter((action) => !AUDITED_READS.has(action))).toEqual([]);
  expect({ ...after, consent_audit: before.consent_audit }).toEqual(before);
}, 600_000);

test('the 429 page answers bad Accept-Language headers too', async () => {
  // Lower the consent pages' limit for this test only: every request past it gets the 429 page.
  const limit = (
    app.strapi.plugin('consent').service('config') as { get(): { rateLimit: { max: number } } }
  ).get().rateLimit;
  const max = limit.max;
  limit.max = 0;
  try {
    const languages = fc.sample(acceptLanguage, { seed: SEED, numRuns: 50 });
    for (const language of [...PROTO_NAMES, ...languages]) {
      const res = await send({
        kind: '429',
        method: 'GET',
        path: '/api/consent/r/whatever',
        headers: { 'Accept-Language': language },
      });
      expect({ language, status: res.status }).toEqual({ language, status: 429 });
    }
  } finally {
    limit.max = max;
  }
});
