import { getService } from '../../server/src/utils/get-service';
import { dialectOf } from '../../server/src/utils/dialect';
import { startApp, type TestApp } from '../helpers/app';
import { queueRequests, rowsOf } from '../helpers/mail-faults';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

/**
 * Issue 18 point 4: a sending pass that fails after its claim committed used to keep
 * its rows for the whole lease (300 s) although nothing was sent. The fault here is
 * a real one in the database: a trigger makes writing the link tokens fail (as a
 * dropped connection would) after the claim has committed.
 */
let app: TestApp;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startApp({
    env: { ...smtp.env, CONSENT_WORKER: 'false', CONSENT_LEASE_SECONDS: '300' },
  });
});

afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
});

const FAULT = 'consent_test_token_fault';

const breakTokens = async () => {
  const db = app.strapi.db.connection;
  if (dialectOf(app.strapi) === 'postgres') {
    await db.raw(
      `CREATE OR REPLACE FUNCTION ${FAULT}() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'tokens refused by the test'; END $$ LANGUAGE plpgsql`
    );
    await db.raw(
      `CREATE TRIGGER ${FAULT} BEFORE INSERT ON consent_tokens FOR EACH ROW EXECUTE FUNCTION ${FAULT}()`
    );
  } else if (dialectOf(app.strapi) === 'mysql') {
    await db.raw(
      `CREATE TRIGGER ${FAULT} BEFORE INSERT ON consent_tokens FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'tokens refused by the test'`
    );
  } else {
    await db.raw(
      `CREATE TRIGGER ${FAULT} BEFORE INSERT ON consent_tokens BEGIN SELECT RAISE(ABORT, 'tokens refused by the test'); END`
    );
  }
};

const repairTokens = async () => {
  const db = app.strapi.db.connection;
  await db.raw(
    dialectOf(app.strapi) === 'postgres'
      ? `DROP TRIGGER IF EXISTS ${FAULT} ON consent_tokens`
      : `DROP TRIGGER IF EXISTS ${FAULT}`
  );
};

it('a pass that fails after its claim committed releases the unsent rows at once; the next pass sends them', async () => {
  const requests = await queueRequests(app, 3, 'failed-pass');
  await breakTokens();
  try {
    const outcome = await getService(app.strapi, 'worker')
      .tick()
      .then(
        (result) => JSON.stringify(result),
        (error: Error) => error.message
      );
    expect(outcome).toMatch(/tokens refused by the test/);
  } finally {
    await repairTokens();
  }
  const now = getService(app.strapi, 'clock').now().getTime();
  const rows = await rowsOf(app, requests);
  // Claimed (the attempt counted), then handed back: no owner, a lease that ends now, not in 300 s.
  for (const row of rows) {
    expect(row).toMatchObject({ status: 'queued', attempts: 1, lease_owner: null });
    expect(new Date(row.lease_until as string | number | Date).getTime()).toBeLessThanOrEqual(now);
  }
  const { sent } = await getService(app.strapi, 'worker').drain();
  expect(sent).toBe(3);
  expect((await rowsOf(app, requests)).every((r) => r.status === 'sent')).toBe(true);
  for (const { email } of requests) expect(smtp.messagesTo(email)).toHaveLength(1);
});
