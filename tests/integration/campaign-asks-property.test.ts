import fc from 'fast-check';
import { startApp, type TestApp } from '../helpers/app';
import { auth, bodies, createClient } from '../helpers/consent';
import { clock } from '../helpers/requests';

/**
 * What a campaign asks each client, against a reference written plainly here: random
 * client histories (given, refused, withdrawn, revoked, expired per purpose, nothing for
 * some), substantive and editorial versions published in between, random audiences and
 * askAgainRefused. The histories go through the real ledger and the real publication, on
 * the plugin clock; the campaign is created over the admin API, and the purposes each
 * client's request asks are read back from the database.
 */
let app: TestApp;

/** Three purposes of this file's own, so the demo's purposes do not take part. */
const PURPOSES = [
  { key: 'prop-plain', specialCategory: false },
  { key: 'prop-special', specialCategory: true },
  { key: 'prop-third', specialCategory: false },
] as const;
type Key = (typeof PURPOSES)[number]['key'];
const KEYS = PURPOSES.map((p) => p.key);

type Decision = 'given' | 'refused' | 'withdrawn' | 'revoked' | 'expired';

/** The test's own model of what was recorded and published. */
interface ModelEvent {
  decision: Decision;
  at: number;
  major: number;
}
const published = new Map<Key, { major: number; releasedAt: number }[]>();
const currentMajor = (key: Key) => Math.max(...published.get(key)!.map((t) => t.major));
/** When the current major version came out: its first (x.0) release. */
const currentMajorReleasedAt = (key: Key) =>
  Math.min(
    ...published
      .get(key)!
      .filter((t) => t.major === currentMajor(key))
      .map((t) => t.releasedAt)
  );

/** The decision in force: the latest given/refused/withdrawn/revoked, else the latest expired. */
const inForce = (events: ModelEvent[]): ModelEvent | null => {
  const decisive = events.filter((e) => e.decision !== 'expired');
  const pool = decisive.length > 0 ? decisive : events;
  return pool.length > 0 ? pool.reduce((a, b) => (b.at >= a.at ? b : a)) : null;
};

/**
 * The reference rule (docs/requests.md, "What a campaign asks"): ask when nothing is in
 * force, when a request expired unanswered, when staff revoked the consent, when the
 * consent is to an older major; ask a refusal or withdrawal again only with
 * askAgainRefused, or when it is about an older major than the current one and that
 * current major came out after the decision.
 */
const shouldAsk = (key: Key, events: ModelEvent[], askAgainRefused: boolean): boolean => {
  const state = inForce(events);
  if (state === null) return true;
  if (state.decision === 'expired' || state.decision === 'revoked') return true;
  if (state.decision === 'given') return state.major !== currentMajor(key);
  if (askAgainRefused) return true;
  return state.major < currentMajor(key) && currentMajorReleasedAt(key) > state.at;
};

type Step =
  | { kind: 'publish'; purpose: number; change: 'substantive' | 'editorial' }
  | { kind: 'decide'; client: number; purpose: number; decision: Decision };

/**
 * A client's consent, a substantive version, then the client's answer or a staff action:
 * the histories where "changed since the decision" and "about an older major" part ways
 * (three steps, so that random arrays reach them often).
 */
const storyArb: fc.Arbitrary<Step[]> = fc
  .record({
    client: fc.integer({ min: 0, max: 2 }),
    purpose: fc.integer({ min: 0, max: 2 }),
    first: fc.constantFrom<Decision>('given', 'refused', 'withdrawn'),
    last: fc.constantFrom<Decision>('withdrawn', 'refused', 'revoked', 'expired', 'given'),
  })
  .map(({ client, purpose, first, last }) => [
    { kind: 'decide', client, purpose, decision: first },
    { kind: 'publish', purpose, change: 'substantive' },
    { kind: 'decide', client, purpose, decision: last },
  ]);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('publish' as const),
      purpose: fc.integer({ min: 0, max: 2 }),
      change: fc.constantFrom('substantive' as const, 'editorial' as const),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('decide' as const),
      client: fc.integer({ min: 0, max: 2 }),
      purpose: fc.integer({ min: 0, max: 2 }),
      decision: fc.constantFrom<Decision>(
        'given',
        'given',
        'refused',
        'refused',
        'withdrawn',
        'withdrawn',
        'revoked',
        'expired'
      ),
    }),
  }
);

const scenarioArb = fc.record({
  clients: fc.integer({ min: 1, max: 3 }),
  steps: fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: stepArb.map((step) => [step]) },
        { weight: 1, arbitrary: storyArb }
      ),
      {
        minLength: 2,
        maxLength: 8,
      }
    )
    .map((parts) => parts.flat()),
  audience: fc.oneof(
    fc.constant({ consent: 'invalid' as const }),
    fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }).map((picked) => ({ pick: picked }))
  ),
  askAgainRefused: fc.boolean(),
});

const STEP_MS = 1000;
let time = 0;

beforeAll(async () => {
  app = await startApp({ env: { CONSENT_WORKER: 'false' } });
  time = clock(app.strapi).now().getTime();
  const token = await app.adminToken();
  for (const [position, purpose] of PURPOSES.entries()) {
    const created = await app
      .http()
      .post('/consent/purposes')
      .set(auth(token))
      .send({
        key: purpose.key,
        name: purpose.key,
        legalBasis: 'consent',
        specialCategory: purpose.specialCategory,
        position: 100 + position,
      });
    expect(created.status).toBe(201);
    published.set(purpose.key, []);
    await publish(purpose.key, 'substantive');
  }
});
afterAll(async () => {
  if (app) clock(app.strapi).reset();
  await app?.stop();
});

const publish = async (key: Key, change: 'substantive' | 'editorial') => {
  time += STEP_MS;
  clock(app.strapi).set(new Date(time));
  const text = (await app.strapi
    .plugin('consent')
    .service('texts')
    .publish(key, { changeKind: change, bodies: bodies(`${key} ${time}`) })) as {
    major: number;
    releasedAt: string | Date;
  };
  published.get(key)!.push({ major: text.major, releasedAt: new Date(text.releasedAt).getTime() });
};

const purposeKeysOf = (value: unknown): string[] =>
  (typeof value === 'string' ? JSON.parse(value) : value) as string[];

it('asks each client exactly what the reference rule says, for random histories and audiences', async () => {
  const ledger = app.strapi.plugin('consent').service('ledger');
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (scenario) => {
      const clients: string[] = [];
      for (let i = 0; i < scenario.clients; i += 1) clients.push(await createClient(app.strapi));
      const history = new Map<string, ModelEvent[]>();
      const eventsOf = (client: string, key: Key) => history.get(`${client}|${key}`) ?? [];

      for (const step of scenario.steps) {
        if (step.kind === 'publish') {
          await publish(KEYS[step.purpose], step.change);
          continue;
        }
        const client = clients[step.client % clients.length];
        const key = KEYS[step.purpose];
        time += STEP_MS;
        await ledger.record({
          subject: client,
          decisions: [
            {
              purpose: key,
              decision: step.decision,
              explicit: PURPOSES[step.purpose].specialCategory ? true : undefined,
            },
          ],
          channel: 'in_person',
          actor: { type: 'admin', id: 1, name: 'Property test' },
          note: step.decision === 'revoked' ? 'Recorded for the wrong client' : null,
          occurredAt: new Date(time),
        });
        // The version an event is about: the current one for an answer; for a withdrawal,
        // revocation or expiry, the one of the decision in force (the ledger's rule).
        const previous = inForce(eventsOf(client, key));
        const major =
          step.decision === 'given' || step.decision === 'refused' || previous === null
            ? currentMajor(key)
            : previous.major;
        history.set(`${client}|${key}`, [
          ...eventsOf(client, key),
          { decision: step.decision, at: time, major },
        ]);
      }

      time += STEP_MS;
      clock(app.strapi).set(new Date(time));
      const audience =
        'pick' in scenario.audience
          ? clients.filter((_, i) => (scenario.audience as { pick: boolean[] }).pick[i])
          : clients;
      if (audience.length === 0) return;
      const res = await app
        .http()
        .post('/consent/campaigns')
        .set(auth(await app.adminToken()))
        .send({
          name: 'Property',
          audience: 'pick' in scenario.audience ? { subjects: audience } : scenario.audience,
          purposes: KEYS,
          askAgainRefused: scenario.askAgainRefused,
        });
      expect(res.status).toBe(201);

      const rows = (await app.strapi.db
        .connection('consent_requests')
        .where({ campaign: res.body.data.documentId })
        .whereIn('subject', clients)
        .select('subject', 'purpose_keys')) as { subject: string; purpose_keys: unknown }[];
      const actual = Object.fromEntries(
        rows.map((r) => [r.subject, purposeKeysOf(r.purpose_keys)])
      );
      const expected = Object.fromEntries(
        audience
          .map((client) => [
            client,
            KEYS.filter((key) => shouldAsk(key, eventsOf(client, key), scenario.askAgainRefused)),
          ])
          .filter(([, keys]) => keys.length > 0)
      );
      expect(actual).toEqual(expected);
      // A selection campaign counts exactly the clients it asks.
      if ('pick' in scenario.audience) expect(res.body.data.total).toBe(rows.length);
    }),
    { numRuns: 40 }
  );
});
