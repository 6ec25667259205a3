/**
 * The front-end helper's parts that need no DOM: the `consent` it builds, the
 * checks before a submit, and what submitBooking sends and makes of each answer
 * (plain fetch injected, and an @strapi/client-like client that throws on non-2xx).
 * The rendering is tested in a real browser (tests/e2e/booking-page.test.ts).
 */
import fc from 'fast-check';
import {
  buildConsent,
  changedPurposes,
  createConsentForm,
  uiLocaleOf,
  uiStrings,
  validateConsent,
  type ConsentBoxes,
  type ConsentChoices,
  type ConsentText,
  type StrapiClientLike,
} from '../../server/src/front-end/consent-form';

const text = (purpose: string, over: Partial<ConsentText> = {}): ConsentText => ({
  purpose,
  name: purpose,
  legalBasis: 'consent',
  requiresConsent: true,
  required: false,
  explicit: false,
  specialCategory: false,
  textId: `t-${purpose}`,
  version: '1.0',
  locale: 'da',
  title: `Title of ${purpose}`,
  text: `Text of ${purpose}`,
  sha256: 'x'.repeat(64),
  releasedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

/** The demo's purposes: one on contract (information only), one required, one optional, one special category. */
const TEXTS = [
  text('service', { legalBasis: 'contract', requiresConsent: false }),
  text('storage', { required: true, version: '2.1' }),
  text('marketing'),
  text('health', { explicit: true, specialCategory: true }),
];

describe('buildConsent', () => {
  it('gives the ticked consent purposes, refuses the others, and names the version of each decided purpose', () => {
    expect(
      buildConsent(TEXTS, { given: ['storage', 'health'], explicit: ['health'] }, 'da')
    ).toEqual({
      locale: 'da',
      given: ['storage', 'health'],
      refused: ['marketing'],
      explicit: ['health'],
      versions: { storage: '2.1', marketing: '1.0', health: '1.0' },
    });
  });

  it('leaves information-only purposes, unknown keys and explicit ticks without consent out', () => {
    const consent = buildConsent(
      TEXTS,
      { given: ['service', 'nope'], explicit: ['health', 'storage'] },
      'en'
    );
    expect(consent).toEqual({
      locale: 'en',
      given: [],
      refused: ['storage', 'marketing', 'health'],
      explicit: [],
      versions: { storage: '2.1', marketing: '1.0', health: '1.0' },
    });
  });

  it('for any ticks: given and refused split the consent purposes shown; explicit only on given special categories', () => {
    const keys = TEXTS.map((t) => t.purpose).concat(['other']);
    const ticks = fc.subarray(keys);
    fc.assert(
      fc.property(ticks, ticks, (given, explicit) => {
        const consent = buildConsent(TEXTS, { given, explicit }, 'sv');
        const decided = TEXTS.filter((t) => t.requiresConsent).map((t) => t.purpose);
        expect([...consent.given, ...consent.refused].sort()).toEqual([...decided].sort());
        expect(consent.given.filter((k) => consent.refused.includes(k))).toEqual([]);
        expect(Object.keys(consent.versions).sort()).toEqual([...decided].sort());
        for (const key of consent.explicit) {
          expect(consent.given).toContain(key);
          expect(TEXTS.find((t) => t.purpose === key)?.explicit).toBe(true);
        }
      })
    );
  });
});

describe('validateConsent', () => {
  it('passes when the required purpose is given and a given special category has its explicit tick', () => {
    expect(validateConsent(TEXTS, { given: ['storage', 'health'], explicit: ['health'] })).toEqual(
      []
    );
    expect(validateConsent(TEXTS, { given: ['storage'], explicit: [] })).toEqual([]);
  });

  it('stops a required purpose left unticked, with a message naming it in the UI language', () => {
    expect(validateConsent(TEXTS, { given: ['marketing'], explicit: [] }, 'en')).toEqual([
      {
        purpose: 'storage',
        kind: 'required',
        message: '"Title of storage" is required to book: tick "I consent", or contact us.',
      },
    ]);
    const [danish] = validateConsent(TEXTS, { given: [], explicit: [] }, 'da-DK');
    expect(danish.message).toMatch(/^"Title of storage" er påkrævet for at booke/);
    const [swedish] = validateConsent(TEXTS, { given: [], explicit: [] }, 'sv');
    expect(swedish.message).toMatch(/^"Title of storage" krävs för att boka/);
  });

  it('stops a special category given without the explicit tick', () => {
    expect(validateConsent(TEXTS, { given: ['storage', 'health'], explicit: [] })).toEqual([
      {
        purpose: 'health',
        kind: 'explicit',
        message:
          '"Title of health" needs your explicit consent: tick the second box as well, or untick the first one.',
      },
    ]);
  });

  it('stops an explicit tick without the consent tick (it would be recorded as a refusal)', () => {
    expect(validateConsent(TEXTS, { given: ['storage'], explicit: ['health'] }, 'sv')).toEqual([
      {
        purpose: 'health',
        kind: 'consent',
        message:
          'Du har kryssat i det uttryckliga samtycket för "Title of health" men inte "Jag samtycker": kryssa i båda rutorna eller ingen av dem.',
      },
    ]);
  });
});

describe('small rules', () => {
  it('uiLocaleOf: da and sv (any region), English otherwise', () => {
    expect(['da', 'da-DK', 'SV-fi', 'en', 'de', '', null].map((l) => uiLocaleOf(l))).toEqual([
      'da',
      'da',
      'sv',
      'en',
      'en',
      'en',
      'en',
    ]);
  });

  it('changedPurposes: new versions and new purposes', () => {
    const after = [text('storage', { version: '3.0' }), text('marketing'), text('photos')];
    expect(changedPurposes(TEXTS, after)).toEqual(['storage', 'photos']);
  });
});

/** Consent boxes without a DOM: what submitBooking reads from them, and what it redraws. */
const fakeBoxes = (choices: ConsentChoices, texts: ConsentText[] = TEXTS) => {
  const state = { texts, replacedWith: null as ConsentText[] | null };
  const boxes: ConsentBoxes = {
    element: null as unknown as HTMLFieldSetElement, // never touched by submitBooking
    get texts() {
      return state.texts;
    },
    locale: 'da',
    strings: { ...uiStrings('en'), failed: 'failed', stale: 'stale', rateLimited: 'slow down' },
    choices: () => choices,
    consent: () => buildConsent(state.texts, choices, 'da'),
    validate: () => validateConsent(state.texts, choices, 'da'),
    showProblems: () => undefined,
    replace: (next) => {
      const changed = changedPurposes(state.texts, next);
      state.texts = [...next];
      state.replacedWith = [...next];
      return changed;
    },
  };
  return { boxes, state };
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

/** A fetch that answers from a queue and records the calls. */
const fakeFetch = (...answers: Response[]) => {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = async (url: string | URL | Request, init: RequestInit = {}) => {
    calls.push({ url: String(url), init });
    const next = answers.shift();
    if (!next) throw new Error(`unexpected request ${String(url)}`);
    return next;
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
};

const INPUT = {
  data: { startsAt: '2027-01-15T09:30:00.000Z', service: 'Colour' },
  contact: { name: 'Ada', email: 'ada@example.com', language: 'da' },
};
const VALID = { given: ['storage'], explicit: [] };

describe('submitBooking with plain fetch', () => {
  it('POSTs data, contact and consent to /api/<bookings> and returns the booking on 201', async () => {
    const { fetch, calls } = fakeFetch(json(201, { data: { documentId: 'b1' } }));
    const form = createConsentForm({
      baseURL: 'http://salon.test/api/',
      fetch,
      bookingsPath: '/appointments',
    });
    const result = await form.submitBooking(fakeBoxes(VALID).boxes, INPUT);
    expect(result).toEqual({ status: 'booked', booking: { documentId: 'b1' } });
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('http://salon.test/api/appointments');
    expect(calls[0].init.method).toBe('POST');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({
      data: {
        ...INPUT.data,
        contact: INPUT.contact,
        consent: {
          locale: 'da',
          given: ['storage'],
          refused: ['marketing', 'health'],
          explicit: [],
          versions: { storage: '2.1', marketing: '1.0', health: '1.0' },
        },
      },
    });
  });

  it('sends nothing when the check fails', async () => {
    const { fetch, calls } = fakeFetch();
    const result = await createConsentForm({ baseURL: '/api', fetch }).submitBooking(
      fakeBoxes({ given: ['health'], explicit: [] }).boxes,
      INPUT
    );
    expect(result.status).toBe('invalid');
    expect(
      result.status === 'invalid' && result.problems.map((p) => `${p.purpose}:${p.kind}`)
    ).toEqual(['storage:required', 'health:explicit']);
    expect(calls).toEqual([]);
  });

  it('on a 409 StaleVersionError fetches the texts again in the same locale and redraws the boxes', async () => {
    const newer = TEXTS.map((t) =>
      t.purpose === 'storage' ? { ...t, version: '3.0', text: 'New text' } : t
    );
    const { fetch, calls } = fakeFetch(
      json(409, {
        data: null,
        error: {
          status: 409,
          name: 'StaleVersionError',
          message: 'changed',
          details: { stale: [{ purpose: 'storage', version: '2.1', current: '3.0' }] },
        },
      }),
      json(200, { data: newer })
    );
    const { boxes, state } = fakeBoxes(VALID);
    const result = await createConsentForm({
      baseURL: 'http://salon.test/api',
      fetch,
    }).submitBooking(boxes, INPUT);
    expect(result).toEqual({ status: 'stale', changed: ['storage'], message: 'stale' });
    expect(calls[1].url).toBe('http://salon.test/api/consent/texts?locale=da');
    expect(state.replacedWith).toEqual(newer);
  });

  it("a 400 returns the server's error; a 429 the Retry-After; another status its message; a network failure status 0", async () => {
    const error400 = {
      status: 400,
      name: 'ValidationError',
      message: 'contact needs an email or a phone number',
      details: { errors: [] },
    };
    const { fetch } = fakeFetch(
      json(400, { data: null, error: error400 }),
      json(
        429,
        {
          data: null,
          error: { status: 429, name: 'RateLimitError', message: 'Too many', details: {} },
        },
        { 'Retry-After': '17' }
      ),
      json(500, {
        data: null,
        error: { status: 500, name: 'InternalServerError', message: 'Internal Server Error' },
      })
    );
    const form = createConsentForm({ baseURL: '/api', fetch });
    const boxes = fakeBoxes(VALID).boxes;
    expect(await form.submitBooking(boxes, INPUT)).toEqual({
      status: 'rejected',
      error: error400,
      message: error400.message,
    });
    expect(await form.submitBooking(boxes, INPUT)).toEqual({
      status: 'rate-limited',
      retryAfterSeconds: 17,
      message: 'slow down',
    });
    expect(await form.submitBooking(boxes, INPUT)).toMatchObject({
      status: 'failed',
      httpStatus: 500,
      message: 'Internal Server Error',
    });
    const offline = createConsentForm({
      baseURL: '/api',
      fetch: async () => Promise.reject(new TypeError('Failed to fetch')),
    });
    expect(await offline.submitBooking(boxes, INPUT)).toEqual({
      status: 'failed',
      httpStatus: 0,
      error: null,
      message: 'failed',
    });
  });
});

/**
 * An @strapi/client instance as far as the helper uses it: `fetch(path, init)` relative
 * to its baseURL (ending in /api), throwing an HTTPError that carries `response` on any
 * non-2xx answer (its transformErrors interceptor).
 */
class HTTPError extends Error {
  constructor(public response: Response) {
    super(`Request failed with status code ${response.status}`);
  }
}
const fakeClient = (...answers: Response[]) => {
  const paths: string[] = [];
  const client: StrapiClientLike = {
    async fetch(path) {
      paths.push(path);
      const response = answers.shift()!;
      if (!response.ok) throw new HTTPError(response);
      return response;
    },
  };
  return { client, paths };
};

describe('with an @strapi/client instance', () => {
  it('fetches the texts and books through client.fetch, reading the answers it throws', async () => {
    const { client, paths } = fakeClient(
      json(200, { data: TEXTS }),
      json(409, {
        data: null,
        error: { status: 409, name: 'StaleVersionError', message: 'changed', details: {} },
      }),
      json(200, { data: TEXTS }),
      json(201, { data: { documentId: 'b2' } })
    );
    const form = createConsentForm({ client });
    expect(await form.fetchTexts('sv')).toEqual(TEXTS);
    const boxes = fakeBoxes(VALID).boxes;
    expect((await form.submitBooking(boxes, INPUT)).status).toBe('stale');
    expect(await form.submitBooking(boxes, INPUT)).toEqual({
      status: 'booked',
      booking: { documentId: 'b2' },
    });
    expect(paths).toEqual([
      '/consent/texts?locale=sv',
      '/bookings',
      '/consent/texts?locale=da',
      '/bookings',
    ]);
  });

  it('passes other errors of the client on', async () => {
    const client: StrapiClientLike = {
      fetch: async () => Promise.reject(new Error('StrapiInitializationError')),
    };
    await expect(createConsentForm({ client }).fetchTexts('da')).rejects.toThrow(
      'StrapiInitializationError'
    );
  });
});
