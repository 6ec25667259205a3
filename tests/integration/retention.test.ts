import { startApp, type TestApp } from '../helpers/app';
import { auth, createClient, recordDecisions } from '../helpers/consent';

/**
 * The retention rule ("no activity for N months") on a real Strapi: the preview
 * lists exactly the inactive clients, and a run erases exactly those, in batches
 * driven through the worker, with progress, a lease, cancel and resume.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startApp({ env: { CONSENT_WORKER: 'false', CONSENT_RETENTION_BATCH: '2' } });
});
afterAll(async () => {
  await app?.stop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const service = <T = any>(name: string): T => app.strapi.plugin('consent').service(name) as T;
const admin = async () => auth(await app.adminToken());
const DAY = 86_400_000;
const ago = (days: number) => new Date(Math.floor((Date.now() - days * DAY) / 1000) * 1000);

/** A client created `createdDaysAgo` days ago, with bookings starting `bookingDaysAgo` days ago (negative: in the future). */
const client = async (createdDaysAgo: number, bookingDaysAgo: number[] = []) => {
  const id = await createClient(app.strapi);
  await app.strapi.db
    .connection('clients')
    .where('document_id', id)
    .update({ created_at: ago(createdDaysAgo) });
  for (const days of bookingDaysAgo) {
    await app.strapi.documents('api::booking.booking').create({
      data: { client: id, startsAt: ago(days).toISOString(), service: 'Haircut' } as never,
    });
  }
  return id;
};

const preview = async (body: object) =>
  app
    .http()
    .post('/consent/retention/preview')
    .set(await admin())
    .send(body);
const allPages = async (months: number) => {
  const first = await preview({ inactiveMonths: months, limit: 2 });
  expect(first.status).toBe(200);
  const ids: string[] = first.body.data.clients.map((c: { documentId: string }) => c.documentId);
  let next = first.body.data.next;
  while (next) {
    const page = await app
      .http()
      .get('/consent/retention/preview')
      .query({ cursor: next, limit: 2 })
      .set(await admin());
    expect(page.status).toBe(200);
    ids.push(...page.body.data.clients.map((c: { documentId: string }) => c.documentId));
    next = page.body.data.next;
  }
  return { total: first.body.data.total as number, ids, first: first.body.data };
};
const runOf = async (id: string) =>
  (
    await app
      .http()
      .get(`/consent/retention/runs/${id}`)
      .set(await admin())
  ).body.data;
const erased = async (id: string) =>
  (await app.strapi.db
    .connection('consent_erasures')
    .where('subject', id)
    .count({ n: '*' })
    .first()) as { n: number | string };
const isErased = async (id: string) => Number((await erased(id)).n) === 1;

describe('retention: no activity for 24 months', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ids.oldBooking = await client(5 * 365, [3 * 365]); // inactive
    ids.recentBooking = await client(5 * 365, [3 * 365, 365]); // active: a booking a year ago
    ids.neverBooked = await client(5 * 365); // inactive
    ids.newClient = await client(1); // active: created yesterday, no booking yet
    ids.recentConsent = await client(5 * 365, [3 * 365]); // active: decided today
    expect(
      (
        await recordDecisions(app, ids.recentConsent, {
          decisions: [{ purpose: 'marketing', decision: 'given' }],
        })
      ).status
    ).toBe(201);
    ids.oldConsent = await client(5 * 365, [4 * 365]); // inactive: its only decision is from 2020 (imported)
    const csv = `client,purpose,decision,date\n${ids.oldConsent},storage,given,2020-01-15\n`;
    expect(
      (
        await app
          .http()
          .post('/consent/imports')
          .set(await admin())
          .send({ csv, dryRun: false })
      ).status
    ).toBe(201);
    ids.futureBooking = await client(5 * 365, [-60]); // active: booked for two months from now
    ids.alreadyErased = await client(5 * 365); // erased before: not listed again
    expect(
      (
        await app
          .http()
          .post(`/consent/subjects/${ids.alreadyErased}/erase`)
          .set(await admin())
          .send({ reason: 'Art. 17' })
      ).status
    ).toBe(201);
  });

  it('the preview lists exactly the inactive clients, paged, with their last activity; nothing is written but the audit entry', async () => {
    const erasures = Number(
      (
        (await app.strapi.db.connection('consent_erasures').count({ n: '*' }).first()) as {
          n: number;
        }
      ).n
    );
    const { total, ids: listed, first } = await allPages(24);
    expect(new Set(listed)).toEqual(new Set([ids.oldBooking, ids.neverBooked, ids.oldConsent]));
    expect(listed).toHaveLength(3);
    expect(total).toBe(3);
    expect(first.inactiveMonths).toBe(24);
    const cutoff = new Date(first.cutoff);
    expect(Math.abs(cutoff.getTime() - (Date.now() - 730 * DAY))).toBeLessThan(3 * DAY);
    const oldBooking = first.clients.find(
      (c: { documentId: string }) => c.documentId === ids.oldBooking
    );
    expect(oldBooking).toMatchObject({ name: expect.stringMatching(/^Test Client/) });
    // Its booking three years ago (the dates of this test are taken a few seconds apart).
    expect(
      Math.abs(new Date(oldBooking.lastActivityAt).getTime() - ago(3 * 365).getTime())
    ).toBeLessThan(60_000);
    expect(
      Number(
        (
          (await app.strapi.db.connection('consent_erasures').count({ n: '*' }).first()) as {
            n: number;
          }
        ).n
      )
    ).toBe(erasures);
    expect(
      await app.strapi.db.connection('consent_audit').where('action', 'retention.preview')
    ).not.toHaveLength(0);

    // A longer rule affects fewer: only clients idle for 42 months (the 4-year-old booking, the never-booked client).
    const longer = await allPages(42);
    expect(new Set(longer.ids)).toEqual(new Set([ids.neverBooked, ids.oldConsent]));
  });

  it('refuses bad input: months out of range, an unknown cursor, a run without reason', async () => {
    expect((await preview({ inactiveMonths: 0 })).status).toBe(400);
    expect((await preview({ inactiveMonths: 'ten' })).status).toBe(400);
    expect(
      (
        await app
          .http()
          .get('/consent/retention/preview')
          .query({ cursor: 'garbage' })
          .set(await admin())
      ).status
    ).toBe(400);
    const noReason = await app
      .http()
      .post('/consent/retention/runs')
      .set(await admin())
      .send({ inactiveMonths: 24, expectedTotal: 3 });
    expect(noReason.status).toBe(400);
    // Without inactiveMonths the configured rule applies (the demo: 36 months).
    const configured = await preview({});
    expect(configured.status).toBe(200);
    expect(configured.body.data.inactiveMonths).toBe(36);
    expect(await app.strapi.db.connection('consent_retention_runs')).toHaveLength(0);
  });

  it('a run starts only when the admin confirms the total they previewed (409 otherwise)', async () => {
    const stale = await app
      .http()
      .post('/consent/retention/runs')
      .set(await admin())
      .send({ inactiveMonths: 24, expectedTotal: 2, reason: 'Retention policy' });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      status: 409,
      name: 'ConflictError',
      details: { total: 3, expectedTotal: 2 },
    });
    expect(await app.strapi.db.connection('consent_retention_runs')).toHaveLength(0);
  });

  it('erases exactly the inactive clients in batches through the worker, with progress, and resumes after a crash', async () => {
    const res = await app
      .http()
      .post('/consent/retention/runs')
      .set(await admin())
      .send({ inactiveMonths: 24, expectedTotal: 3, reason: 'Retention policy: 24 months' });
    expect(res.status).toBe(201);
    const run = res.body.data;
    expect(run).toMatchObject({
      status: 'queued',
      total: 3,
      erased: 0,
      failed: 0,
      inactiveMonths: 24,
      startedByName: 'Demo Admin',
    });
    expect(run).not.toHaveProperty('leaseOwner');

    // First batch (batchSize 2).
    expect((await service('worker').tick()).retained).toBe(2);
    const progress = await runOf(run.documentId);
    expect(progress).toMatchObject({ status: 'running', erased: 2, total: 3 });
    expect(progress.startedAt).toEqual(expect.any(String));

    // Held by another live instance: not taken.
    await app.strapi.db
      .connection('consent_retention_runs')
      .where('id', run.id)
      .update({ lease_owner: 'other-instance', lease_until: new Date(Date.now() + 60_000) });
    expect((await service('worker').tick()).retained).toBe(0);

    // That instance dies mid-batch after erasing the last client but before saving progress: its lease runs out.
    await service('erasure').erase({
      subject: ids.oldConsent,
      reason: run.reason,
      actor: { type: 'admin', id: null, name: 'Demo Admin' },
      origin: 'retention',
      retentionRun: run.documentId,
    });
    await app.strapi.db
      .connection('consent_retention_runs')
      .where('id', run.id)
      .update({ lease_owner: 'other-instance', lease_until: new Date(Date.now() - 1000) });
    await service('worker').drain();

    const done = await runOf(run.documentId);
    expect(done).toMatchObject({ status: 'done', total: 3, erased: 3, failed: 0 });
    expect(done.finishedAt).toEqual(expect.any(String));
    for (const key of ['oldBooking', 'neverBooked', 'oldConsent'])
      expect([key, await isErased(ids[key])]).toEqual([key, true]);
    for (const key of ['recentBooking', 'newClient', 'recentConsent', 'futureBooking'])
      expect([key, await isErased(ids[key])]).toEqual([key, false]);
    const records = await app.strapi.db
      .connection('consent_erasures')
      .where('retention_run', run.documentId);
    expect(records).toHaveLength(3);
    expect(records.every((r: { origin: string }) => r.origin === 'retention')).toBe(true);
    const client = await app.strapi.db
      .query('api::client.client')
      .findOne({ where: { documentId: ids.oldBooking } });
    expect(client).toMatchObject({ name: 'Erased client', email: null });
    const phases = (
      await app.strapi.db
        .query('plugin::consent.consent-audit')
        .findMany({ where: { action: 'retention.run' }, orderBy: { id: 'asc' } })
    ).map((a: { details: { phase: string } }) => a.details.phase);
    expect(phases).toEqual(['created', 'done']);
    // Nobody left to erase by that rule.
    expect((await preview({ inactiveMonths: 24 })).body.data.total).toBe(0);
    const list = await app
      .http()
      .get('/consent/retention/runs')
      .set(await admin());
    expect(list.body.data.map((r: { documentId: string }) => r.documentId)).toEqual([
      run.documentId,
    ]);
  });

  it('a cancelled run stops between batches; cancelling it again is a 409', async () => {
    const more = [
      await client(4 * 365),
      await client(4 * 365),
      await client(4 * 365),
      await client(4 * 365),
    ];
    const res = await app
      .http()
      .post('/consent/retention/runs')
      .set(await admin())
      .send({ inactiveMonths: 24, expectedTotal: 4, reason: 'Retention policy' });
    expect(res.status).toBe(201);
    expect((await service('worker').tick()).retained).toBe(2);
    const cancel = await app
      .http()
      .post(`/consent/retention/runs/${res.body.data.documentId}/cancel`)
      .set(await admin())
      .send({});
    expect(cancel.status).toBe(200);
    expect(cancel.body.data).toMatchObject({ status: 'cancelled', erased: 2 });
    await service('worker').drain();
    expect(await runOf(res.body.data.documentId)).toMatchObject({ status: 'cancelled', erased: 2 });
    expect((await Promise.all(more.map(isErased))).filter(Boolean)).toHaveLength(2);
    const again = await app
      .http()
      .post(`/consent/retention/runs/${res.body.data.documentId}/cancel`)
      .set(await admin())
      .send({});
    expect(again.status).toBe(409);
    expect(
      (
        await app
          .http()
          .get('/consent/retention/runs/nosuchrun')
          .set(await admin())
      ).status
    ).toBe(404);
  });
});

describe('retention: an unanswered request that expired is no activity of the client', () => {
  it('a client whose only recent event is a request expiry is inactive; one who decided is not', async () => {
    const expiredOnly = await client(5 * 365, [3 * 365]);
    const decided = await client(5 * 365, [3 * 365]);
    // What the expiry job records when a request goes unanswered (requests/expiry.ts).
    await service('ledger').recordDecisions(
      {
        subject: expiredOnly,
        decisions: [{ purpose: 'storage', decision: 'expired' }],
        channel: 'system',
        actor: { type: 'system', name: 'request expiry' },
        note: 'the consent request expired without an answer',
      },
      { subjectExists: true }
    );
    expect(
      (
        await recordDecisions(app, decided, {
          decisions: [{ purpose: 'storage', decision: 'refused' }],
        })
      ).status
    ).toBe(201);
    const { ids: listed } = await allPages(24);
    expect(listed).toContain(expiredOnly);
    expect(listed).not.toContain(decided);
    // Its last activity is the booking three years ago, not today's expiry.
    const page = await preview({ inactiveMonths: 24, limit: 100 });
    const row = page.body.data.clients.find(
      (c: { documentId: string }) => c.documentId === expiredOnly
    );
    expect(new Date(row.lastActivityAt).getTime()).toBeLessThan(Date.now() - 365 * DAY);
    // A rebuild of the projection gives the same: the expiry is not the client's last decision.
    await service('states').rebuild();
    expect((await allPages(24)).ids).toContain(expiredOnly);
  });
});
