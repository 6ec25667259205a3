import { startApp, type TestApp } from '../helpers/app';

/**
 * The plugin's one-off data migrations (server/src/migrations): they run after the schema
 * sync of the first boot on a database, are recorded in the core store, and a later boot
 * does not run them again; a database without the record runs them at its next boot.
 */
let app: TestApp;
afterAll(async () => {
  await app?.stop();
});

const NAMES = [
  '0.1.0-chain-events-recorded-before-the-chain',
  '0.1.0-reason-of-summaries-written-before-the-column',
  '0.1.0-erased-at-of-summaries-of-erased-clients',
];

const db = () => app.strapi.db.connection;
const ran = async () => {
  const row = (await db()('strapi_core_store_settings')
    .where({ key: 'plugin_consent_migrations' })
    .first()) as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as string[]) : null;
};
/** A client of the demo seed with consent events, and their chain columns. */
const chainOf = async (subject: string) =>
  (await db()('consent_events')
    .where({ subject })
    .orderBy('id')
    .select('id', 'chain_seq', 'hash')) as {
    id: number;
    chain_seq: number | null;
    hash: string | null;
  }[];
const unchain = async (subject: string) => {
  await db()('consent_events')
    .where({ subject })
    .update({ chain_seq: null, prev_hash: null, hash: null, evidence_digest: null });
  await db()('consent_subjects')
    .where({ subject })
    .update({ chain_seq: null, chain_head: null, reason: null });
};
const restart = async () => {
  await app.stop();
  // A restart is a new process: fresh modules (Strapi merges extra input params into route objects in place).
  jest.resetModules();
  const { startApp: again } = require('../helpers/app') as typeof import('../helpers/app');
  app = await again({ keepDatabase: true });
};

it('run once, after the first boot’s schema sync, and are recorded; a later boot leaves what SQL wrote alone; without the record they run again', async () => {
  app = await startApp();
  expect(await ran()).toEqual(NAMES);

  // A client whose summary has a reason (no valid consent), so that its recomputation shows.
  const { subject } = (await db()('consent_subjects')
    .whereNotNull('reason')
    .whereNotNull('chain_head')
    .first('subject')) as { subject: string };
  const chained = await chainOf(subject);
  expect(chained.every((e) => e.chain_seq !== null && e.hash !== null)).toBe(true);
  const reason = (
    (await db()('consent_subjects').where({ subject }).first('reason')) as { reason: string | null }
  ).reason;
  expect(reason).toEqual(expect.any(String));
  expect(chained.length).toBeGreaterThan(0);

  // A history written into the tables by SQL after the chain existed: a boot does not chain it.
  await unchain(subject);
  await restart();
  expect((await chainOf(subject)).every((e) => e.chain_seq === null && e.hash === null)).toBe(true);
  expect(
    (
      (await db()('consent_subjects').where({ subject }).first('reason')) as {
        reason: string | null;
      }
    ).reason
  ).toBeNull();
  expect(await ran()).toEqual(NAMES);

  // A database that has not run them (an upgrade from a version before them): the next boot does,
  // to the same hashes and reason the ledger wrote.
  await db()('strapi_core_store_settings').where({ key: 'plugin_consent_migrations' }).del();
  await restart();
  expect(await chainOf(subject)).toEqual(chained);
  expect(
    (
      (await db()('consent_subjects').where({ subject }).first('reason')) as {
        reason: string | null;
      }
    ).reason
  ).toBe(reason);
  expect(await ran()).toEqual(NAMES);
});
