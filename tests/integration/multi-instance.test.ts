import { startApp, type TestApp } from '../helpers/app';
import { auth } from '../helpers/consent';
import { testDatabase } from '../helpers/database';
import { freePort, insertClients as insertBulkClients } from '../helpers/faults';
import { startInstance, type Instance } from '../helpers/instance';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

/**
 * Several Strapi instances on one database send one campaign: every client gets
 * exactly one mail, and when an instance dies, another finishes its work.
 * PostgreSQL and MariaDB (SQLite is one process's file: one writer, no second instance).
 */
const multi = testDatabase() === 'sqlite' ? describe.skip : describe;

const CLIENTS = 2000;
let app: TestApp;
let smtp: TestSmtp;
let instances: Instance[] = [];

const count = async (where: Record<string, unknown>) =>
  Number(
    (
      (await app.strapi.db
        .connection('consent_requests')
        .where(where)
        .count({ n: '*' })
        .first()) as { n: number | string }
    ).n
  );

const insertClients = (n: number, tag: string) =>
  insertBulkClients(app.strapi.db.connection, n, tag);

const startWorkers = async (n: number, extra: Record<string, string> = {}) => {
  const env = {
    ...smtp.env,
    CONSENT_WORKER: 'true',
    CONSENT_WORKER_POLL_MS: '100',
    CONSENT_BATCH_SIZE: '50',
    LOG_LEVEL: 'error',
    ...extra,
  };
  // One after the other: each boot syncs the schema, and MySQL commits DDL implicitly.
  const started: Instance[] = [];
  for (let i = 0; i < n; i += 1) started.push(await startInstance(await freePort(), env));
  instances.push(...started);
  return started;
};

/** Poll until `done()` holds; meanwhile collect which instances hold leases. */
const watch = async (done: () => Promise<boolean>, timeoutMs: number) => {
  const owners = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    const rows = await app.strapi.db
      .connection('consent_requests')
      .distinct('lease_owner')
      .whereNotNull('lease_owner');
    for (const r of rows as { lease_owner: string }[]) owners.add(r.lease_owner);
    await new Promise((r) => setTimeout(r, 25));
  }
  return owners;
};

multi('several instances on one database', () => {
  beforeAll(async () => {
    smtp = await startSmtp();
    // This process only queues (its worker is off); the child instances send.
    app = await startApp({ env: { ...smtp.env, CONSENT_WORKER: 'false' } });
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await app?.stop();
    await smtp?.stop();
  });
  afterEach(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    instances = [];
  });

  it('two instances send a campaign of 2,000: every client receives exactly one mail', async () => {
    await insertClients(CLIENTS, 'a');
    await startWorkers(2);
    const token = await app.adminToken();
    const created = await app
      .http()
      .post('/consent/campaigns')
      .set(auth(token))
      .send({ name: 'Everyone', audience: { consent: 'invalid' } });
    expect(created.status).toBe(201);
    const campaign = created.body.data.documentId;
    expect(created.body.data.total).toBeGreaterThanOrEqual(CLIENTS);

    const owners = await watch(
      async () => (await count({ campaign, status: 'queued' })) === 0,
      120_000
    );
    expect(owners.size).toBe(2); // both instances took part

    const emailed = await count({ campaign, status: 'sent', channel: 'email' });
    await new Promise((r) => setTimeout(r, 500));
    const bulk = smtp.messages.flatMap((m) => m.to).filter((to) => to.startsWith('bulk.a.'));
    expect(bulk).toHaveLength(CLIENTS);
    expect(new Set(bulk).size).toBe(CLIENTS);
    expect(smtp.messages).toHaveLength(emailed);
  }, 180_000);

  it('an instance killed mid-campaign: its claims are taken over when the lease ends, nothing is lost', async () => {
    smtp.clear();
    await insertClients(600, 'b');
    const [doomed] = await startWorkers(2, {
      CONSENT_LEASE_SECONDS: '5',
      CONSENT_BATCH_SIZE: '20',
    });
    const token = await app.adminToken();
    const created = await app
      .http()
      .post('/consent/campaigns')
      .set(auth(token))
      .send({ name: 'Killed', audience: { consent: 'invalid' } });
    const campaign = created.body.data.documentId;
    await watch(async () => smtp.messages.length >= 100, 60_000);
    await doomed.kill();
    await watch(async () => (await count({ campaign, status: 'queued' })) === 0, 120_000);
    await new Promise((r) => setTimeout(r, 500));
    const bulk = smtp.messages.flatMap((m) => m.to).filter((to) => to.startsWith('bulk.b.'));
    // Nothing lost. A message the killed instance had handed to SMTP but not yet
    // recorded as sent is sent again (at most its batches in hand: 2 of 20).
    expect(new Set(bulk).size).toBe(600);
    expect(bulk.length - 600).toBeLessThanOrEqual(40);
  }, 180_000);
});
