import { startApp, type TestApp } from '../helpers/app';
import { bookTrusted, newContact } from '../helpers/booking';
import { auth, bodies, createClient, recordDecisions, subjectsByConsent } from '../helpers/consent';
import { projection } from '../helpers/projection';

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

const snapshot = () => projection(app.strapi);

/** Small deterministic PRNG so a failure can be replayed. */
const prng = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};

describe('rebuilding the projection from the event log', () => {
  it('gives the same rows as the live projection after the seed', async () => {
    const live = await snapshot();
    expect(live.states.length).toBeGreaterThan(50);
    const res = await app
      .http()
      .post('/consent/states/rebuild')
      .set(auth(await app.adminToken()));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ states: live.states.length, subjects: live.summaries.length });
    expect(await snapshot()).toEqual(live);
  });

  it('making a purpose required re-evaluates every subject in one statement, and undoing it restores them', async () => {
    const validBefore = await subjectsByConsent(app, 'valid');
    expect(validBefore.length).toBeGreaterThan(0);
    const token = await app.adminToken();
    const res = await app
      .http()
      .put('/consent/purposes/marketing')
      .set(auth(token))
      .send({ required: true });
    expect(res.status).toBe(200);
    const validNow = await subjectsByConsent(app, 'valid');
    expect(validNow.length).toBeLessThan(validBefore.length);
    expect(validBefore).toEqual(expect.arrayContaining(validNow));
    await app.http().put('/consent/purposes/marketing').set(auth(token)).send({ required: false });
    expect(await subjectsByConsent(app, 'valid')).toEqual(validBefore);

    const bad = await app
      .http()
      .put('/consent/purposes/service')
      .set(auth(token))
      .send({ required: true });
    expect(bad.status).toBe(400);
  });

  it.each([1, 2, 3])(
    'gives the same rows after random decisions, back-dated imports, publications and requirement changes (seed %i)',
    async (seed) => {
      const random = prng(seed);
      const choose = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
      const ledger = app.strapi.plugin('consent').service('ledger');
      const clients = [] as string[];
      for (let i = 0; i < 6; i += 1) clients.push(await createClient(app.strapi));

      for (let step = 0; step < 40; step += 1) {
        const roll = random();
        if (roll < 0.05) {
          await app.strapi
            .plugin('consent')
            .service('texts')
            .publish(choose(['storage', 'marketing']), {
              changeKind: choose(['substantive', 'editorial']),
              bodies: bodies(`seed ${seed} step ${step}`),
            });
        } else if (roll < 0.1) {
          await app.strapi
            .plugin('consent')
            .service('purposes')
            .update('marketing', { required: random() < 0.5 });
        } else {
          const purpose = choose(['storage', 'marketing', 'health']);
          const decision = choose([
            'given',
            'given',
            'refused',
            'withdrawn',
            'revoked',
            'expired',
          ] as const);
          const backdated = random() < 0.25;
          await ledger.record({
            subject: choose(clients),
            decisions: [{ purpose, decision, explicit: purpose === 'health' ? true : undefined }],
            channel: backdated ? 'import' : choose(['booking_page', 'in_person', 'email_link']),
            actor: { type: backdated ? 'system' : 'subject' },
            locale: choose(['en', 'da', 'sv', 'de']),
            occurredAt: backdated
              ? new Date(Date.now() - Math.floor(random() * 30) * 86_400_000)
              : undefined,
          });
        }
      }

      const live = await snapshot();
      const validLive = await subjectsByConsent(app, 'valid');
      await app.strapi.plugin('consent').service('states').rebuild();
      expect(await snapshot()).toEqual(live);
      expect(await subjectsByConsent(app, 'valid')).toEqual(validLive);
      await app.strapi
        .plugin('consent')
        .service('purposes')
        .update('marketing', { required: false });
    }
  );

  it('gives a lost summary row its chain head back: the proof verifies and the next decision continues the chain', async () => {
    const subject = (
      await app.strapi.db
        .query('plugin::consent.consent-subject')
        .findMany({ orderBy: { id: 'asc' }, limit: 1 })
    )[0];
    expect(subject.chainSeq).toBeGreaterThan(0);
    await app.strapi.db.connection('consent_subjects').where('subject', subject.subject).del();
    await app.strapi.plugin('consent').service('states').rebuild();
    const back = await app.strapi.db
      .query('plugin::consent.consent-subject')
      .findOne({ where: { subject: subject.subject } });
    expect({ chainSeq: back.chainSeq, chainHead: back.chainHead }).toEqual({
      chainSeq: subject.chainSeq,
      chainHead: subject.chainHead,
    });
    await app.strapi
      .plugin('consent')
      .service('ledger')
      .record({
        subject: subject.subject,
        decisions: [{ purpose: 'marketing', decision: 'withdrawn' }],
        channel: 'api',
        actor: { type: 'system' },
      });
    const verify = await app
      .http()
      .get('/consent/proof/verify')
      .set(auth(await app.adminToken()));
    expect(verify.body.data).toMatchObject({ ok: true, firstBroken: null });
  });
});

describe('rebuilding while bookings and staff decisions come in', () => {
  // Enough clients that one rebuild spans many batches and takes long enough for writes to overlap it.
  const CLIENTS = 600;
  const WRITERS = 4;
  // At least this many rebuilds, and on until at least OVERLAP writes finished while one ran
  // (a rebuild on SQLite takes a fraction of a second), within MAX_REBUILDS.
  const REBUILDS = 3;
  const OVERLAP = 2 * WRITERS;
  const MAX_REBUILDS = 30;

  it('answers no 5xx on either side and ends where a quiet rebuild ends', async () => {
    const ledger = app.strapi.plugin('consent').service('ledger');
    const random = prng(42);
    const clients: { subject: string; email: string }[] = [];
    for (let i = 0; i < CLIENTS; i += 1) {
      const email = `rebuild.load.${i}.${Date.now()}@example.com`;
      const subject = await createClient(app.strapi, { email });
      await ledger.record({
        subject,
        decisions: [{ purpose: 'storage', decision: 'given' }],
        channel: 'in_person',
        actor: { type: 'subject' },
      });
      clients.push({ subject, email });
    }
    const token = await app.adminToken();
    const statuses = {
      bookings: [] as number[],
      decisions: [] as number[],
      rebuilds: [] as number[],
    };
    const failures: string[] = [];
    let rebuilding = true;
    let inFlight = false;
    let overlapping = 0;

    // Each writer alternates: a booking of a new client, a trusted booking of an existing client
    // (its decisions count at once) and a staff decision on an existing client.
    const writer = async (index: number) => {
      let step = index;
      while (rebuilding) {
        step += 1;
        const known = clients[Math.floor(random() * clients.length)];
        const decision = random() < 0.5 ? 'given' : 'withdrawn';
        const kind = step % 3;
        const res =
          kind === 0
            ? await bookTrusted(app, {
                contact: newContact(),
                consent: { given: ['storage', 'marketing'] },
              })
            : kind === 1
              ? await bookTrusted(app, {
                  contact: { name: 'Known client', email: known.email },
                  consent: { [decision === 'given' ? 'given' : 'refused']: ['marketing'] },
                })
              : await recordDecisions(app, known.subject, {
                  decisions: [{ purpose: 'marketing', decision }],
                });
        (kind === 2 ? statuses.decisions : statuses.bookings).push(res.status);
        if (inFlight) overlapping += 1;
        if (res.status >= 300)
          failures.push(
            `${kind === 2 ? 'decision' : 'booking'} ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`
          );
      }
    };
    const rebuilds = async () => {
      try {
        for (let i = 0; i < MAX_REBUILDS && (i < REBUILDS || overlapping < OVERLAP); i += 1) {
          const started = Date.now();
          inFlight = true;
          const res = await app.http().post('/consent/states/rebuild').set(auth(token));
          inFlight = false;
          statuses.rebuilds.push(res.status);
          if (res.status !== 200)
            failures.push(`rebuild ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
          // The figure docs/operations.md quotes.
          process.stdout.write(
            `rebuild under writes: ${res.body?.data?.subjects} subjects, ${res.body?.data?.states} states in ${Date.now() - started} ms (${res.status})\n`
          );
        }
      } finally {
        rebuilding = false;
      }
    };
    await Promise.all([rebuilds(), ...Array.from({ length: WRITERS }, (_, i) => writer(i))]);

    process.stdout.write(
      `rebuild under writes: ${statuses.rebuilds.length} rebuilds, ${statuses.bookings.length} bookings, ${statuses.decisions.length} decisions, ` +
        `${overlapping} writes finished during a rebuild, failures: ${failures.length}\n${failures.slice(0, 5).join('\n')}\n`
    );
    expect(failures).toEqual([]);
    expect(statuses.rebuilds).toEqual(Array(statuses.rebuilds.length).fill(200));
    expect(overlapping).toBeGreaterThanOrEqual(OVERLAP);

    const live = await snapshot();
    const validLive = await subjectsByConsent(app, 'valid');
    const res = await app.http().post('/consent/states/rebuild').set(auth(token));
    expect(res.status).toBe(200);
    expect(await snapshot()).toEqual(live);
    expect(await subjectsByConsent(app, 'valid')).toEqual(validLive);
  }, 300_000);
});
