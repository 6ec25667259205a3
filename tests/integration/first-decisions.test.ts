/**
 * A new client's first decisions, recorded with their booking (services/first-decisions.ts).
 * On PostgreSQL they take ONE statement when the client was created in the booking's
 * transaction; every case where that statement's guards do not hold falls back to
 * the summary lock in the same transaction. On every database the ledger must come
 * out the same: the events chained from the start, the states and summary equal to
 * what a rebuild from the events gives, the proof verifying.
 */
import { startApp, type TestApp } from '../helpers/app';
import {
  bookTrusted,
  BOOKING,
  book,
  clientByEmail,
  currentTexts,
  newContact,
} from '../helpers/booking';
import { auth, createClient, ledgerCounts } from '../helpers/consent';

let app: TestApp;
beforeAll(async () => {
  app = await startApp(); // the demo's default requirement: warn
});
afterAll(async () => {
  await app?.stop();
});

const isPostgres = () => String(app.strapi.db.dialect.client).includes('postgres');

/** The plugin's named statements (services/first-decisions, summary-lock, ledger-writer) that `work` sends, by their first words. */
const pluginStatements = async (work: () => Promise<unknown>): Promise<string[]> => {
  const seen: string[] = [];
  const listener = (q: { sql: string; options?: { name?: string } }) => {
    // The ledger's statements: the intake limit's count (named too, before the booking) is not one of them.
    if (q.options?.name?.startsWith('consent_') && !q.sql.includes('consent_intake_counters'))
      seen.push(q.sql.slice(0, 30).toLowerCase());
  };
  app.strapi.db.connection.client.on('query', listener);
  try {
    await work();
  } finally {
    app.strapi.db.connection.client.off('query', listener);
  }
  return seen;
};
const ONE_STATEMENT = ['with consent_ok as (select 1 f'];
const LOCKED = ['insert into consent_subjects (', 'with consent_ev as (insert int'];

const consentInput = async (given = ['storage'], refused = ['marketing']) => {
  const texts = await currentTexts(app, 'en');
  const versions = Object.fromEntries(
    [...given, ...refused].map((key) => [key, texts[key].version])
  );
  return { locale: 'en', given, refused, versions };
};

const STATE_FIELDS = [
  'purposeKey',
  'decision',
  'explicit',
  'textId',
  'textVersion',
  'textMajor',
  'textHash',
  'textLocale',
  'channel',
  'eventId',
];
const SUMMARY_FIELDS = [
  'requiredFingerprint',
  'reason',
  'lastEventId',
  'lastDecisionAt',
  'chainSeq',
  'chainHead',
];
const pick = (row: Record<string, unknown> | null, fields: string[]) =>
  row &&
  Object.fromEntries(
    fields.map((f) => [
      f,
      f === 'explicit'
        ? Boolean(row[f])
        : row[f] instanceof Date
          ? (row[f] as Date).toISOString()
          : row[f],
    ])
  );

/** A subject's ledger: its events (in order), states and summary as stored. */
const ledgerOf = async (subject: string) => {
  const events = (await app.strapi.db
    .query('plugin::consent.consent-event')
    .findMany({ where: { subject }, orderBy: { id: 'asc' } })) as Record<string, unknown>[];
  const states = (await app.strapi.db
    .query('plugin::consent.consent-state')
    .findMany({ where: { subject }, orderBy: { purposeKey: 'asc' } })) as Record<string, unknown>[];
  const summary = (await app.strapi.db
    .query('plugin::consent.consent-subject')
    .findOne({ where: { subject } })) as Record<string, unknown> | null;
  return {
    events: events.map((e) => ({
      purposeKey: e.purposeKey,
      decision: e.decision,
      chainSeq: Number(e.chainSeq),
      bookingId: e.bookingId,
    })),
    states: states.map((s) => pick(s, STATE_FIELDS)),
    summary: pick(summary, SUMMARY_FIELDS),
  };
};

/** The projection the plugin rebuilds from the event log must equal the one written; the proof must verify. */
const expectProvable = async (subject: string) => {
  const written = await ledgerOf(subject);
  const token = await app.adminToken();
  expect((await app.http().post('/consent/states/rebuild').set(auth(token))).status).toBe(200);
  const rebuilt = await ledgerOf(subject);
  // rebuild() does not write the chain head: it is compared with the events instead.
  const { chainSeq, chainHead, ...summary } = written.summary as Record<string, unknown>;
  expect({ ...rebuilt, summary: { ...rebuilt.summary, chainSeq, chainHead } }).toEqual(written);
  expect(chainSeq).toBe(written.events.length);
  expect(summary.lastEventId).toEqual(expect.any(Number));
  const verify = await app.http().get('/consent/proof/verify').set(auth(token));
  expect(verify.body.data).toMatchObject({ ok: true });
  return written;
};

const subjectStatus = async (subject: string) =>
  (
    await app
      .http()
      .get(`/consent/subjects/${subject}`)
      .set(auth(await app.adminToken()))
  ).body.data as { valid: boolean };

/**
 * In one transaction: a new client, an in-person consent to `earlier` recorded for them
 * through the ledger service, then their booking with `consent`; the plugin statements sent.
 */
const bookAfterInPerson = async (earlier: string, consent: Record<string, unknown>) => {
  let client = '';
  const statements = await pluginStatements(() =>
    app.strapi.db.transaction(async () => {
      client = await createClient(app.strapi);
      await app.strapi
        .plugin('consent')
        .service('ledger')
        .record({
          subject: client,
          decisions: [{ purpose: earlier, decision: 'given' }],
          channel: 'in_person',
          actor: { type: 'subject' },
        });
      return app.strapi
        .documents('api::booking.booking')
        .create({ data: { ...BOOKING, client, consent } as never });
    })
  );
  return { client, statements };
};

describe("a new client's first decisions, recorded with the booking", () => {
  it('take one statement on PostgreSQL; the ledger is what a rebuild gives and the proof verifies', async () => {
    const contact = newContact({ language: 'en' });
    const consent = await consentInput();
    const statements = await pluginStatements(async () =>
      expect((await book(app, { contact, consent })).status).toBe(201)
    );
    if (isPostgres()) expect(statements).toEqual(ONE_STATEMENT);

    const client = await clientByEmail(app, contact.email);
    const ledger = await expectProvable(client.documentId);
    expect(ledger.events).toEqual([
      { purposeKey: 'storage', decision: 'given', chainSeq: 1, bookingId: expect.any(String) },
      { purposeKey: 'marketing', decision: 'refused', chainSeq: 2, bookingId: expect.any(String) },
    ]);
    expect(ledger.states.map((s) => s?.decision)).toEqual(['refused', 'given']);
    expect(await subjectStatus(client.documentId)).toMatchObject({ valid: true });
    // No check row for a valid new booking.
    expect(
      await app.strapi.db
        .query('plugin::consent.booking-check')
        .count({ where: { subject: client.documentId } })
    ).toBe(0);
  });

  it("a returning client's booking goes through the summary lock and continues the chain", async () => {
    const contact = newContact({ language: 'en' });
    expect((await book(app, { contact, consent: await consentInput() })).status).toBe(201);
    const statements = await pluginStatements(async () =>
      expect(
        (
          await bookTrusted(app, {
            contact,
            consent: await consentInput(['storage', 'marketing'], []),
          })
        ).status
      ).toBe(201)
    );
    if (isPostgres()) expect(statements).toEqual(LOCKED);
    const client = await clientByEmail(app, contact.email);
    const ledger = await expectProvable(client.documentId);
    expect(ledger.events.map((e) => e.chainSeq)).toEqual([1, 2, 3, 4]);
  });

  it('purposes changed behind the instance (another instance, SQL): the guard fails, nothing is written twice, the locked path records', async () => {
    const consent = await consentInput();
    // The plugin read the purposes for the bookings above; change one behind its back.
    const purpose = (await app.strapi.db
      .query('plugin::consent.purpose')
      .findOne({ where: { key: 'marketing' } })) as {
      id: number;
      description: string | null;
    };
    await app.strapi.db
      .connection('consent_purposes')
      .where({ id: purpose.id })
      .update({ description: 'Changed by another instance' });
    try {
      const contact = newContact({ language: 'en' });
      const statements = await pluginStatements(async () =>
        expect((await book(app, { contact, consent })).status).toBe(201)
      );
      if (isPostgres()) expect(statements).toEqual([...ONE_STATEMENT, ...LOCKED]);
      const client = await clientByEmail(app, contact.email);
      const ledger = await expectProvable(client.documentId);
      expect(ledger.events.map((e) => [e.purposeKey, e.chainSeq])).toEqual([
        ['storage', 1],
        ['marketing', 2],
      ]);
      // The locked path read the purposes again: the next new client takes one statement again.
      const next = await pluginStatements(async () =>
        expect((await book(app, { contact: newContact(), consent })).status).toBe(201)
      );
      if (isPostgres()) expect(next).toEqual(ONE_STATEMENT);
    } finally {
      await app.strapi.db
        .connection('consent_purposes')
        .where({ id: purpose.id })
        .update({ description: purpose.description });
    }
  });

  it('a client created in the transaction while the booking is for another client: the consent goes to the booked client', async () => {
    const booked = await createClient(app.strapi);
    let created = '';
    const consent = await consentInput();
    const statements = await pluginStatements(() =>
      app.strapi.db.transaction(async () => {
        created = await createClient(app.strapi);
        return app.strapi
          .documents('api::booking.booking')
          .create({ data: { ...BOOKING, client: booked, consent } as never });
      })
    );
    if (isPostgres()) expect(statements).toEqual([...ONE_STATEMENT, ...LOCKED]);
    expect((await ledgerOf(booked)).events.map((e) => e.chainSeq)).toEqual([1, 2]);
    expect(await ledgerOf(created)).toEqual({ events: [], states: [], summary: null });
    await expectProvable(booked);
  });

  it('two clients created in the transaction: not guessed, the locked path records for the booked one', async () => {
    const consent = await consentInput();
    const ids: string[] = [];
    const statements = await pluginStatements(() =>
      app.strapi.db.transaction(async () => {
        ids.push(await createClient(app.strapi), await createClient(app.strapi));
        return app.strapi
          .documents('api::booking.booking')
          .create({ data: { ...BOOKING, client: ids[1], consent } as never });
      })
    );
    if (isPostgres()) expect(statements).toEqual(LOCKED);
    expect((await ledgerOf(ids[1])).events).toHaveLength(2);
    expect((await ledgerOf(ids[0])).events).toHaveLength(0);
    await expectProvable(ids[1]);
  });

  it('consent recorded for the new client earlier in the same transaction: the guard sees its summary, the chain continues after it', async () => {
    const consent = await consentInput(['storage'], []);
    const { client, statements } = await bookAfterInPerson('marketing', consent);
    // record(): its summary lock is not a named statement, its write is.
    if (isPostgres())
      expect(statements).toEqual(['with consent_ev as (insert int', ...ONE_STATEMENT, ...LOCKED]);
    const ledger = await expectProvable(client);
    expect(ledger.events.map((e) => [e.purposeKey, e.chainSeq])).toEqual([
      ['marketing', 1],
      ['storage', 2],
    ]);
  });

  it('a check the one statement cannot tell (a state from earlier in the transaction) is left to the locked path, nothing sent before it', async () => {
    const consent = await consentInput(['marketing'], []);
    const { client, statements } = await bookAfterInPerson('storage', consent);
    if (isPostgres()) expect(statements).toEqual(['with consent_ev as (insert int', ...LOCKED]);
    await expectProvable(client);
    expect(await subjectStatus(client)).toMatchObject({ valid: true });
    expect(
      await app.strapi.db
        .query('plugin::consent.booking-check')
        .count({ where: { subject: client } })
    ).toBe(0);
  });

  it('a new client refusing required consent: the booking is marked on the locked path, nothing sent before it', async () => {
    const contact = newContact({ language: 'en' });
    const statements = await pluginStatements(async () =>
      expect(
        (await book(app, { contact, consent: await consentInput([], ['storage']) })).status
      ).toBe(201)
    );
    if (isPostgres()) expect(statements).toEqual(LOCKED);
    const client = await clientByEmail(app, contact.email);
    await expectProvable(client.documentId);
    const check = await app.strapi.db
      .query('plugin::consent.booking-check')
      .findOne({ where: { subject: client.documentId } });
    expect(check).toMatchObject({
      valid: false,
      missing: [{ purpose: 'storage', status: 'refused' }],
    });
  });

  it('a failure after the one statement rolls back booking, client, events, states and summary', async () => {
    const before = await ledgerCounts(app.strapi);
    const bookings = await app.strapi.db.query('api::booking.booking').count({});
    const unsubscribe = app.strapi.db.lifecycles.subscribe({
      models: ['plugin::consent.consent-event'],
      afterCreate() {
        throw new Error('injected failure after the event insert');
      },
    });
    const contact = newContact({ language: 'en' });
    try {
      const statements = await pluginStatements(async () =>
        expect((await book(app, { contact, consent: await consentInput() })).status).toBe(500)
      );
      if (isPostgres()) expect(statements).toEqual(ONE_STATEMENT);
    } finally {
      (unsubscribe as unknown as () => void)();
    }
    expect(await ledgerCounts(app.strapi)).toEqual(before);
    expect(await app.strapi.db.query('api::booking.booking').count({})).toBe(bookings);
    expect(await clientByEmail(app, contact.email)).toBeNull();
  });
});
