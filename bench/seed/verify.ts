/**
 * The bench seed's check: is the seeded data what the plugin itself would
 * produce (its paging counts, forSubject() per profile, and optionally its
 * rebuild() from the event log)?
 */
import type { Core } from '@strapi/strapi';
import { ms, type Db } from '../lib';
import type { SeedResult } from '../seed';
import { clientDocumentIdSql, MIXES } from './plan';

/** Count what the plugin's own keyset paging returns (the admin "consent" filter). */
export const countByPaging = async (strapi: Core.Strapi, valid: boolean, limit = 5000) => {
  const states = strapi.plugin('consent').service('states');
  let after = 0;
  let total = 0;
  let pages = 0;
  for (;;) {
    const rows = (await states.pageSubjects({ valid, after, limit })) as { id: number }[];
    total += rows.length;
    pages += 1;
    if (rows.length < limit) return { total, pages };
    after = rows[rows.length - 1].id;
  }
};

const STATE_COLUMNS =
  'subject, purpose_key, decision, explicit, text_id, text_version, text_major, text_hash, text_locale, channel, event_id, decided_at';
const SUBJECT_COLUMNS = 'subject, required_fingerprint, reason, last_event_id, last_decision_at';

export interface VerifyResult {
  ok: boolean;
  problems: string[];
  paging: { valid: number; invalid: number; ms: number };
  sampleStatuses: number;
  rebuild?: {
    ms: number;
    statesDiff: number;
    subjectsDiff: number;
    states: number;
    subjects: number;
  };
}

/**
 * Is the seeded data what the plugin itself would produce?
 *  - the plugin's paging counts the valid / not valid subjects the plan predicts;
 *  - forSubject() reports the planned status for one client of every profile;
 *  - with `rebuild`: the plugin's rebuild() from the event log gives back exactly
 *    the seeded states and summaries (compared column by column, both ways).
 */
export const verifySeed = async (
  strapi: Core.Strapi,
  db: Db,
  seeded: SeedResult,
  { rebuild = false, pageLimit = 5000 }: { rebuild?: boolean; pageLimit?: number } = {}
): Promise<VerifyResult> => {
  const problems: string[] = [];
  const states = strapi.plugin('consent').service('states');
  const current = await states.currentFingerprint();
  if (current !== seeded.fingerprint)
    problems.push(`current fingerprint ${current}, seeded for ${seeded.fingerprint}`);

  const tp = process.hrtime.bigint();
  const valid = await countByPaging(strapi, true, pageLimit);
  const invalid = await countByPaging(strapi, false, pageLimit);
  const pagingMs = ms(tp);
  if (valid.total !== seeded.expected.valid)
    problems.push(`plugin paging: ${valid.total} valid, plan says ${seeded.expected.valid}`);
  if (invalid.total !== seeded.expected.invalid)
    problems.push(
      `plugin paging: ${invalid.total} not valid, plan says ${seeded.expected.invalid}`
    );

  const profiles = MIXES[seeded.mix];
  const ids = (
    await db.query(
      `SELECT i, ${clientDocumentIdSql('i')} AS id FROM generate_series(1, $1::int) i`,
      [profiles.length]
    )
  ).rows;
  for (const { i, id } of ids) {
    const view = await states.forSubject(id);
    const want = profiles[i % profiles.length].status;
    if (view.status !== want || view.valid !== (want === 'valid'))
      problems.push(`bench client ${i}: plugin says ${view.status}, plan says ${want}`);
  }

  let rebuilt: VerifyResult['rebuild'];
  if (rebuild) {
    await db.query(`DROP TABLE IF EXISTS bench_check_states, bench_check_subjects`);
    await db.query(
      `CREATE TABLE bench_check_states AS SELECT ${STATE_COLUMNS} FROM consent_states`
    );
    await db.query(
      `CREATE TABLE bench_check_subjects AS SELECT ${SUBJECT_COLUMNS} FROM consent_subjects`
    );
    const tr = process.hrtime.bigint();
    const result = (await states.rebuild()) as { states: number; subjects: number };
    const rebuildMs = ms(tr);
    const diff = async (columns: string, table: string, seededTable: string) =>
      Number(
        (
          await db.query(
            `SELECT count(*) AS n FROM ((SELECT ${columns} FROM ${table} EXCEPT ALL SELECT ${columns} FROM ${seededTable})
                                   UNION ALL (SELECT ${columns} FROM ${seededTable} EXCEPT ALL SELECT ${columns} FROM ${table})) d`
          )
        ).rows[0].n
      );
    const statesDiff = await diff(STATE_COLUMNS, 'consent_states', 'bench_check_states');
    const subjectsDiff = await diff(SUBJECT_COLUMNS, 'consent_subjects', 'bench_check_subjects');
    await db.query(`DROP TABLE bench_check_states, bench_check_subjects`);
    await db.query(`VACUUM (ANALYZE) consent_states, consent_subjects`);
    if (statesDiff || subjectsDiff) {
      problems.push(
        `rebuild() differs from the seed: ${statesDiff} state rows, ${subjectsDiff} summary rows`
      );
    }
    rebuilt = { ms: Number(rebuildMs.toFixed(1)), statesDiff, subjectsDiff, ...result };
  }

  return {
    ok: problems.length === 0,
    problems,
    paging: { valid: valid.total, invalid: invalid.total, ms: Number(pagingMs.toFixed(1)) },
    sampleStatuses: ids.length,
    rebuild: rebuilt,
  };
};
