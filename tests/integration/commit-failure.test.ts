import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { transaction } from '../../server/src/utils/transaction';
import { startApp, type TestApp } from '../helpers/app';
import { book, bookTrusted, clientByEmail, currentTexts, newContact } from '../helpers/booking';
import {
  allowCommit,
  canRefuseCommit,
  expectCommitRefused,
  killDuringCommit,
  refuseCommit,
  slowCommit,
} from '../helpers/commit-failure';
import { auth, recordDecisions, rowCount } from '../helpers/consent';
import { testDatabase } from '../helpers/database';
import { createSentRequest, requestRow, seededClient } from '../helpers/requests';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

/**
 * Issue 18 point 5: a write whose COMMIT fails is not answered 2xx. knex's `trx.commit()`
 * resolves even when COMMIT fails and Strapi awaits only that; the plugin's transactions
 * (server/src/utils/transaction.ts) check the outcome, answer 503 and fire no side effect.
 * The COMMIT is made to fail for real, by the database, at COMMIT (tests/helpers/commit-failure.ts).
 */
// MariaDB checks every constraint when the statement runs and has no deferred constraints, so
// there is no way to make its COMMIT fail on purpose from a test; the code path is the same.
const describeCommitFailure = canRefuseCommit() ? describe : describe.skip;

interface Delivery {
  event: string;
  model?: string;
}

let app: TestApp;
let smtp: TestSmtp;
let receiver: http.Server;
const deliveries: Delivery[] = [];

const service = <T>(name: string): T => app.strapi.plugin('consent').service(name) as T;
const drain = () => service<{ drain(): Promise<unknown> }>('worker').drain();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const waitFor = async (predicate: () => boolean, what: string, ms = 10_000) => {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await pause(25);
  }
};

/** Everything a booking with consent writes: none of it may change when its COMMIT fails. */
const stored = async () => ({
  bookings: await app.strapi.db.query('api::booking.booking').count({}),
  clients: await app.strapi.db.query('api::client.client').count({}),
  events: await rowCount(app.strapi, 'consent_events'),
  states: await rowCount(app.strapi, 'consent_states'),
  subjects: await rowCount(app.strapi, 'consent_subjects'),
  requests: await rowCount(app.strapi, 'consent_requests'),
});

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      deliveries.push(JSON.parse(raw) as Delivery);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  smtp = await startSmtp();
  app = await startApp({
    env: { ...smtp.env, CONSENT_WORKER: 'false', CONSENT_RATE_LIMIT_MAX: '1000' },
  });
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const hook = await app
    .http()
    .post('/admin/webhooks')
    .set(auth(await app.adminToken()))
    .send({
      name: 'commit failure',
      url,
      headers: {},
      events: ['entry.create', 'consent.given', 'consent.refused'],
    });
  expect(hook.status).toBe(201);
});
afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** Side effects have had time to show up: Strapi's webhook runner and the mail worker. */
const settle = async () => {
  await drain();
  await pause(500);
};

describeCommitFailure(`a COMMIT that fails (${testDatabase()})`, () => {
  it('a public booking of a new client with consent: 503 with Retry-After, nothing stored, no webhook; the same booking once COMMIT works: 201', async () => {
    const texts = await currentTexts(app, 'en');
    const contact = newContact({ language: 'en' });
    const consent = {
      locale: 'en',
      given: ['storage'],
      versions: { storage: texts.storage.version },
    };
    await settle();
    deliveries.length = 0;
    const before = await stored();

    await refuseCommit(app.strapi, 'bookings');
    try {
      expectCommitRefused(await book(app, { contact, consent }));
      await settle();
      expect(await stored()).toEqual(before);
      expect(await clientByEmail(app, contact.email)).toBeNull();
      // Neither the plugin's consent webhook nor Strapi's entry.create for the booking or client.
      expect(deliveries).toEqual([]);
      expect(smtp.messagesTo(contact.email)).toEqual([]);
    } finally {
      await allowCommit(app.strapi, 'bookings');
    }

    const res = await book(app, { contact, consent });
    expect(res.status).toBe(201);
    const client = await clientByEmail(app, contact.email);
    expect(client).not.toBeNull();
    const after = await stored();
    expect(after.bookings).toBe(before.bookings + 1);
    expect(after.clients).toBe(before.clients + 1);
    expect(after.events).toBe(before.events + 1);
    await waitFor(
      () => deliveries.some((d) => d.event === 'consent.given'),
      'the consent.given webhook'
    );
    await waitFor(
      () => deliveries.some((d) => d.event === 'entry.create' && d.model === 'booking'),
      'the booking entry.create webhook'
    );
    expect(deliveries.filter((d) => d.event === 'consent.given')).toHaveLength(1);
  });

  it('an anonymous booking naming an existing client: 503, no booking, no held decisions, no confirmation mail; then 201 and one mail', async () => {
    const contact = newContact({ language: 'en' });
    expect((await bookTrusted(app, { contact, consent: { given: ['storage'] } })).status).toBe(201);
    const texts = await currentTexts(app, 'en');
    const consent = {
      locale: 'en',
      given: ['marketing'],
      versions: { marketing: texts.marketing.version },
    };
    await settle();
    smtp.messages.length = 0;
    deliveries.length = 0;
    const before = await stored();

    await refuseCommit(app.strapi, 'bookings');
    try {
      expectCommitRefused(
        await book(app, { contact: { name: 'Someone', email: contact.email }, consent })
      );
      await settle();
      expect(await stored()).toEqual(before);
      expect(smtp.messages).toEqual([]);
      expect(deliveries).toEqual([]);
    } finally {
      await allowCommit(app.strapi, 'bookings');
    }

    expect(
      (await book(app, { contact: { name: 'Someone', email: contact.email }, consent })).status
    ).toBe(201);
    expect((await stored()).requests).toBe(before.requests + 1);
    await drain();
    await smtp.waitFor((m) => m.to.includes(contact.email));
    expect(smtp.messagesTo(contact.email)).toHaveLength(1);
  });

  it('a staff decision through the admin API: 503, no event, no webhook; then 201', async () => {
    const contact = newContact({ language: 'en' });
    expect((await bookTrusted(app, { contact })).status).toBe(201);
    const client = (await clientByEmail(app, contact.email)).documentId as string;
    await settle();
    deliveries.length = 0;
    const before = await stored();
    const body = { decisions: [{ purpose: 'marketing', decision: 'given' }] };

    await refuseCommit(app.strapi, 'consent_events');
    try {
      expectCommitRefused(await recordDecisions(app, client, body));
      await settle();
      expect(await stored()).toEqual(before);
      expect(deliveries).toEqual([]);
    } finally {
      await allowCommit(app.strapi, 'consent_events');
    }

    expect((await recordDecisions(app, client, body)).status).toBe(201);
    expect((await stored()).events).toBe(before.events + 1);
    await waitFor(
      () => deliveries.some((d) => d.event === 'consent.given'),
      'the consent.given webhook'
    );
  });

  it('a consent page answer: a 503 page saying nothing was saved, the request stays open and no event is stored; answered again once COMMIT works: 303', async () => {
    const subject = await seededClient(app.strapi, 'en');
    const sent = await createSentRequest(app.strapi, {
      subject,
      locale: 'en',
      purposeKeys: ['storage'],
    });
    const page = await app.http().get(`/api/consent/r/${sent.token}`);
    expect(page.status).toBe(200);
    const form: Record<string, string> = {};
    for (const m of page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
      form[m[1]] = m[2];
    form['decision-storage'] = 'given';
    const answer = () => app.http().post(`/api/consent/r/${sent.token}`).type('form').send(form);
    await settle();
    deliveries.length = 0;
    const before = await stored();

    await refuseCommit(app.strapi, 'consent_events');
    try {
      const refused = await answer().set('Accept-Language', 'da');
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(refused.headers['cache-control']).toBe('no-store');
      expect(refused.text).toContain('Dit svar blev ikke gemt');
      await settle();
      expect(await stored()).toEqual(before);
      expect(await requestRow(app.strapi, sent.request)).toMatchObject({
        status: 'sent',
        answeredAt: null,
      });
      expect(deliveries).toEqual([]);
    } finally {
      await allowCommit(app.strapi, 'consent_events');
    }

    expect((await answer()).status).toBe(303);
    expect(await requestRow(app.strapi, sent.request)).toMatchObject({ status: 'approved' });
    expect((await stored()).events).toBe(before.events + 1);
  });
});

// Killing one backend of the shared test server by name needs PostgreSQL's pg_terminate_backend.
const describePostgres = testDatabase() === 'postgres' ? describe : describe.skip;

describePostgres('a connection killed while its COMMIT runs (postgres)', () => {
  it('a public booking with consent: 503, nothing stored, no webhook; the next booking on the same pool: 201', async () => {
    const texts = await currentTexts(app, 'en');
    const contact = newContact({ language: 'en' });
    const consent = {
      locale: 'en',
      given: ['storage'],
      versions: { storage: texts.storage.version },
    };
    await settle();
    deliveries.length = 0;
    const before = await stored();

    const victim = await slowCommit(app.strapi, 'bookings');
    try {
      const pending = book(app, { contact, consent }).then((res) => res);
      expect(await killDuringCommit(app.strapi, victim)).toBe(true);
      expectCommitRefused(await pending);
      // knex hands the killed connection back to its pool before the socket's close tells the
      // pool it is dead; a transaction that gets it in that moment fails with an error of its own
      // (never a success). That is knex's pool, not what this test is about: let it notice first.
      await pause(500);
      await settle();
      expect(await stored()).toEqual(before);
      expect(await clientByEmail(app, contact.email)).toBeNull();
      expect(deliveries).toEqual([]);
    } finally {
      await allowCommit(app.strapi, 'bookings');
    }

    expect((await book(app, { contact, consent })).status).toBe(201);
    expect((await stored()).bookings).toBe(before.bookings + 1);
  });
});

describeCommitFailure(`the transaction utility on the database (${testDatabase()})`, () => {
  const TABLE = 'test_commit_probe';
  const rows = async () => Number((await app.strapi.db.connection(TABLE).count({ n: '*' }))[0].n);

  beforeAll(async () => {
    await app.strapi.db.connection.schema.createTable(TABLE, (t) => t.integer('id'));
  });

  it('throws the 503 after a failed COMMIT and runs no after-commit callback, nested ones included; the connection stays usable', async () => {
    const ran: string[] = [];
    await refuseCommit(app.strapi, TABLE);
    try {
      const attempt = transaction(app.strapi, async ({ trx, onCommit }) => {
        await trx(TABLE).insert({ id: 1 });
        onCommit(() => ran.push('outer'));
        await transaction(app.strapi, async (inner) => {
          expect(inner.trx).toBe(trx);
          inner.onCommit(() => ran.push('inner'));
        });
      });
      await expect(attempt).rejects.toMatchObject({
        status: 503,
        name: 'CommitFailedError',
        expose: false,
      });
    } finally {
      await allowCommit(app.strapi, TABLE);
    }
    expect(ran).toEqual([]);
    expect(await rows()).toBe(0);

    // SQLite keeps a transaction open after a failed COMMIT: the plugin rolls it back, so this works.
    await transaction(app.strapi, async ({ trx }) => {
      await trx(TABLE).insert({ id: 2 });
    });
    expect(await rows()).toBe(1);
  });

  it('runs the after-commit callbacks once, after the COMMIT, outer and nested in order, and returns the result', async () => {
    const seen: number[] = [];
    const result = await transaction(app.strapi, async ({ trx, onCommit }) => {
      await trx(TABLE).insert({ id: 3 });
      onCommit(() => seen.push(-1));
      await transaction(app.strapi, async (inner) => inner.onCommit(() => seen.push(-2)));
      return 'done';
    });
    expect(result).toBe('done');
    expect(seen).toEqual([-1, -2]);
  });

  it('rolls back and rethrows when the work fails, without after-commit callbacks', async () => {
    const ran: string[] = [];
    const before = await rows();
    await expect(
      transaction(app.strapi, async ({ trx, onCommit }) => {
        await trx(TABLE).insert({ id: 4 });
        onCommit(() => ran.push('x'));
        throw new Error('bad input');
      })
    ).rejects.toThrow('bad input');
    expect(ran).toEqual([]);
    expect(await rows()).toBe(before);
  });
});
