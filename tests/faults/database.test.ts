import { startApp, type TestApp } from '../helpers/app';
import { bookingToken, TRUSTED_TOKEN_NAME } from '../helpers/booking';
import { auth, subjectsByConsent } from '../helpers/consent';
import { databaseName } from '../helpers/database';
import {
  bookingLoad,
  checkBookings,
  faultSuite,
  freePort,
  postBooking,
  report,
  sleep,
  terminateBackends,
} from '../helpers/faults';
import { startInstance, type Instance } from '../helpers/instance';
import { projection } from '../helpers/projection';
import { createSentRequest } from '../helpers/requests';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

/**
 * The database under an instance in another process: its sessions terminated again and
 * again while bookings come in (pg_terminate_backend, as a failover, a restart or an
 * idle-session killer does), then a rebuild of the consent projection by this process
 * while that instance takes bookings and this one staff decisions (issue 18 point 7).
 */

const APPLICATION_NAME = `${databaseName()}_db`;
// How long the sessions are terminated, and how often.
const FAULT_MS = 5000;
const TERMINATE_EVERY_MS = 200;
// After the last termination the pool opens new sessions on the next request: a 201 within a
// second or two; the rest is headroom for a loaded 2-core machine.
const RECOVERY_BOUND_MS = 10_000;
const LOOPS = 6;
const REBUILD_CLIENTS = 600;

faultSuite('the database: sessions terminated under booking load, a rebuild under writes', () => {
  let app: TestApp;
  let smtp: TestSmtp;
  let instance: Instance;

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await startApp({ env: { ...smtp.env, CONSENT_WORKER: 'false' } });
    instance = await startInstance(await freePort(), {
      ...smtp.env,
      CONSENT_WORKER: 'true',
      CONSENT_WORKER_POLL_MS: '500',
      LOG_LEVEL: 'error',
      // The rebuild case answers many consent pages from one address.
      CONSENT_RATE_LIMIT_MAX: '10000',
      DATABASE_APPLICATION_NAME: APPLICATION_NAME,
      // FAULT_CRASH_ON_REJECTION=1 shows what Strapi does without the demo's handler: the instance dies.
      ...(process.env.FAULT_CRASH_ON_REJECTION
        ? { DEMO_SURVIVE_UNHANDLED_REJECTIONS: 'false' }
        : {}),
    });
  }, 180_000);

  afterAll(async () => {
    await instance?.stop();
    await app?.stop();
    await smtp?.stop();
  });

  it('(d) terminated sessions: no 201 for a booking that is not stored, nothing half-written, 201s again soon after', async () => {
    const db = app.strapi.db.connection;
    let faultEnd = Infinity;
    const dead = () => instance.process.exitCode !== null || instance.process.signalCode !== null;
    const load = bookingLoad(
      instance.port,
      'dbkill',
      LOOPS,
      (o) => (o.status === 201 && o.startedAt >= faultEnd) || dead()
    );
    while (load.outcomes.filter((o) => o.status === 201).length < 40) await sleep(20);

    let terminated = 0;
    let rounds = 0;
    const faultStart = Date.now();
    while (Date.now() - faultStart < FAULT_MS) {
      terminated += await terminateBackends(db, APPLICATION_NAME);
      rounds += 1;
      await sleep(TERMINATE_EVERY_MS);
    }
    faultEnd = Date.now();
    const outcomes = await load.done;
    // Without the demo's unhandledRejection handler, Strapi 5.54 ends the process here (see playground/src/index.ts).
    if (dead())
      throw new Error(
        `the instance died under the fault (exit ${instance.process.exitCode ?? instance.process.signalCode})`
      );
    const firstAfter = outcomes
      .filter((o) => o.status === 201 && o.startedAt >= faultEnd)
      .sort((x, y) => x.endedAt - y.endedAt)[0];
    const recoveryMs = firstAfter.endedAt - faultEnd;
    const during = outcomes.filter((o) => o.startedAt >= faultStart && o.startedAt < faultEnd);
    await sleep(500);

    const { figures, unstored201, halfWritten } = await checkBookings(db, 'dbkill', outcomes);
    report('db-terminate', {
      ...figures,
      loops: LOOPS,
      faultMs: FAULT_MS,
      terminationRounds: rounds,
      sessionsTerminated: terminated,
      duringFault: {
        requests: during.length,
        answered201: during.filter((o) => o.status === 201).length,
        answered5xx: during.filter((o) => (o.status ?? 0) >= 500).length,
      },
      recoveryMs,
    });
    expect(terminated).toBeGreaterThan(0);
    // The fault hit requests (else this case proves nothing).
    expect(figures.answered5xx + figures.connectionErrors).toBeGreaterThan(0);
    // Issue 18 point 5 (a failed COMMIT answered 201) is fixed on branch h-commit; until it is in, this can fail now and then.
    expect(unstored201).toEqual([]);
    expect(halfWritten).toEqual([]);
    expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);
  }, 180_000);

  it('(e) a rebuild while bookings and consent page answers come in on the other instance and staff decisions here: no 5xx, and a quiet rebuild changes nothing', async () => {
    const db = app.strapi.db.connection;
    // Enough clients with consent that one rebuild takes several batches of 200.
    let seeded = 0;
    await bookingLoad(
      instance.port,
      'rebuild',
      8,
      (o) => (seeded += o.status === 201 ? 1 : 0) >= REBUILD_CLIENTS
    ).done;
    const known = (await db('clients')
      .where('email', 'like', 'rebuild.%')
      .select('document_id as subject', 'email')) as { subject: string; email: string }[];
    const trusted = await bookingToken(app, TRUSTED_TOKEN_NAME);
    const token = await app.adminToken();
    const pick = () => known[Math.floor(Math.random() * known.length)];

    const failures: string[] = [];
    const writes = { bookings: 0, decisions: 0, answers: 0 };
    const rebuildMs: number[] = [];
    let rebuilding = true;
    let inFlight = false;
    let overlapping = 0;
    const note = (what: string, status: number | null, error?: string | null) => {
      if (inFlight) overlapping += 1;
      if (status === null || status >= 300) failures.push(`${what} ${status ?? error}`);
    };
    // A new client's public booking, a trusted booking of a known client (its decision counts
    // at once, under that client's lock), a consent page answer and a staff decision on a known client.
    const newClients = async () => {
      for (let n = 0; rebuilding; n += 1) {
        const o = await postBooking(instance.port, 'rebuildnew', n);
        writes.bookings += 1;
        note('new client booking', o.status, o.error);
      }
    };
    const knownClients = async () => {
      for (let n = 0; rebuilding; n += 1) {
        const o = await postBooking(instance.port, 'rebuildknown', n, {
          token: trusted,
          email: pick().email,
          consent: { [n % 2 ? 'given' : 'refused']: ['marketing'] },
        });
        writes.bookings += 1;
        note('known client booking', o.status, o.error);
      }
    };
    // A client answering a consent request on the other instance: the page, then the form as a browser sends it.
    const links = await Promise.all(
      known
        .slice(0, 200)
        .map((c) => createSentRequest(app.strapi, { subject: c.subject, locale: 'en' }))
    );
    const answers = async () => {
      for (let n = 0; rebuilding && n < links.length; n += 1) {
        const url = `http://127.0.0.1:${instance.port}/api/consent/r/${links[n].token}`;
        const page = await fetch(url).then((r) => r.text());
        const form = new URLSearchParams();
        for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
          form.set(m[1], m[2].replace(/&amp;/g, '&'));
        for (const m of page.matchAll(/name="decision-([a-z]+)" value="given"/g))
          form.set(`decision-${m[1]}`, m[1] === 'storage' || n % 2 ? 'given' : 'refused');
        if (form.get('decision-health') === 'given') form.set('explicit-health', 'yes');
        const res = await fetch(url, {
          method: 'POST',
          body: form,
          redirect: 'manual',
          headers: { 'user-agent': 'Mozilla/5.0 (fault test)' },
        }).catch(() => null);
        writes.answers += 1;
        note('consent page answer', res?.status === 303 ? 201 : (res?.status ?? null));
      }
    };
    const staff = async () => {
      for (let n = 0; rebuilding; n += 1) {
        const res = await app
          .http()
          .post(`/consent/subjects/${pick().subject}/decisions`)
          .set(auth(token))
          .send({ decisions: [{ purpose: 'marketing', decision: n % 2 ? 'given' : 'withdrawn' }] });
        writes.decisions += 1;
        note('staff decision', res.status);
      }
    };
    const rebuilds = async () => {
      try {
        for (let i = 0; i < 20 && (i < 3 || overlapping < 8); i += 1) {
          const started = Date.now();
          inFlight = true;
          const res = await app.http().post('/consent/states/rebuild').set(auth(token));
          inFlight = false;
          rebuildMs.push(Date.now() - started);
          if (res.status !== 200)
            failures.push(`rebuild ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        }
      } finally {
        rebuilding = false;
      }
    };
    await Promise.all([rebuilds(), newClients(), knownClients(), answers(), staff()]);

    const live = await projection(app.strapi);
    const validLive = await subjectsByConsent(app, 'valid');
    const quiet = await app.http().post('/consent/states/rebuild').set(auth(token));
    expect(quiet.status).toBe(200);
    const rebuilt = await projection(app.strapi);
    const differing = rebuilt.summaries.filter(
      (row, i) => JSON.stringify(row) !== JSON.stringify(live.summaries[i])
    ).length;
    report('rebuild-under-writes', {
      subjects: quiet.body.data.subjects,
      states: quiet.body.data.states,
      rebuilds: rebuildMs.length,
      rebuildMs,
      ...writes,
      writesDuringRebuilds: overlapping,
      failures: failures.length,
      summariesDifferingFromQuietRebuild:
        differing + Math.abs(rebuilt.summaries.length - live.summaries.length),
      statesEqual: JSON.stringify(rebuilt.states) === JSON.stringify(live.states),
    });
    expect(failures).toEqual([]);
    expect(overlapping).toBeGreaterThanOrEqual(8);
    expect(rebuilt).toEqual(live);
    expect(await subjectsByConsent(app, 'valid')).toEqual(validLive);
  }, 300_000);
});
