/**
 * What bench/run.ts measures in each size's child: the plugin's page query (as
 * captured from its own SQL), its plans and timings at the database, and
 * publishing a substantive version.
 */
import type { Core } from '@strapi/strapi';
import { ms, mulberry32, quantile, round, type Db } from '../lib';
import { clientDocumentIdSql } from '../seed';

const stats = (values: number[]) => ({
  p50: round(quantile(values, 0.5), 3),
  p95: round(quantile(values, 0.95), 3),
  max: round(Math.max(...values), 3),
  n: values.length,
});

export interface CapturedQuery {
  sql: string;
  bindings: unknown[];
  afterIndex: number;
}

/** Run pageSubjects once and capture the SQL it sends (and which binding is `after`). */
export const capturePageQuery = async (
  strapi: Core.Strapi,
  valid: boolean
): Promise<CapturedQuery> => {
  const sentinel = 987654321;
  const seen: { sql: string; bindings: unknown[] }[] = [];
  const client = strapi.db.connection.client;
  const listener = (q: { sql: string; bindings: unknown[] }) =>
    seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
  client.on('query', listener);
  try {
    await strapi
      .plugin('consent')
      .service('states')
      .pageSubjects({ valid, after: sentinel, limit: 50 });
  } finally {
    client.off('query', listener);
  }
  const page = seen.find((q) => q.bindings.includes(sentinel));
  if (!page) throw new Error('could not capture the page query');
  return { ...page, afterIndex: page.bindings.indexOf(sentinel) };
};

export interface PlanSample {
  executionMs: number;
  planningMs: number;
  sharedHit: number;
  sharedRead: number;
  rows: number;
  /** Rows the scan of `clients` produced before the page was full (how far it walked). */
  clientsVisited: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a node of EXPLAIN's JSON plan: any shape PostgreSQL gives
const findNode = (node: any, test: (n: any) => boolean): any => {
  if (test(node)) return node;
  for (const child of node.Plans ?? []) {
    const found = findNode(child, test);
    if (found) return found;
  }
  return null;
};

export const explain = async (db: Db, q: CapturedQuery, after: number): Promise<PlanSample> => {
  const params = [...q.bindings];
  params[q.afterIndex] = after;
  const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${q.sql}`, params);
  const out = rows[0]['QUERY PLAN'][0];
  const scan = findNode(out.Plan, (n) => n['Relation Name'] === 'clients');
  return {
    executionMs: out['Execution Time'],
    planningMs: out['Planning Time'],
    sharedHit: out.Plan['Shared Hit Blocks'] ?? 0,
    sharedRead: out.Plan['Shared Read Blocks'] ?? 0,
    rows: out.Plan['Actual Rows'],
    clientsVisited: scan ? scan['Actual Rows'] * (scan['Actual Loops'] ?? 1) : NaN,
  };
};

export const explainText = async (db: Db, q: CapturedQuery, after: number): Promise<string> => {
  const params = [...q.bindings];
  params[q.afterIndex] = after;
  const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
};

/** The page of 50, at the database (EXPLAIN ANALYZE) and through the service, at random keyset positions. */
export const measurePages = async (
  strapi: Core.Strapi,
  db: Db,
  valid: boolean,
  pages: number,
  maxId: number
) => {
  const q = await capturePageQuery(strapi, valid);
  const random = mulberry32(valid ? 2 : 1);
  const afters = Array.from({ length: pages }, () => Math.floor(random() * maxId));
  for (const after of afters.slice(0, 20)) await explain(db, q, after); // warm-up
  const samples: PlanSample[] = [];
  for (const after of afters) samples.push(await explain(db, q, after));
  const states = strapi.plugin('consent').service('states');
  const js: number[] = [];
  for (const after of afters.slice(0, 10)) await states.pageSubjects({ valid, after, limit: 50 }); // warm-up
  for (const after of afters) {
    const t = process.hrtime.bigint();
    await states.pageSubjects({ valid, after, limit: 50 });
    js.push(ms(t));
  }
  const median = [...afters].sort((a, b) => a - b)[Math.floor(afters.length / 2)];
  return {
    sql: q.sql,
    bindings: q.bindings,
    db: stats(samples.map((s) => s.executionMs)),
    planning: stats(samples.map((s) => s.planningMs)),
    buffers: stats(samples.map((s) => s.sharedHit + s.sharedRead)),
    clientsVisited: stats(samples.map((s) => s.clientsVisited)),
    rowsReturned: stats(samples.map((s) => s.rows)),
    js: stats(js),
    plan: await explainText(db, q, median),
    planAfter: median,
  };
};

export const BODIES = (k: number) => ({
  en: {
    title: 'Storage of personal data',
    text: `Bench version ${k}: the client card and booking history are kept between visits.`,
  },
  da: {
    title: 'Opbevaring af personoplysninger',
    text: `Bench version ${k}: kundekortet og bookinghistorikken opbevares mellem besøgene.`,
  },
  sv: {
    title: 'Lagring av personuppgifter',
    text: `Bench version ${k}: kundkortet och bokningshistoriken sparas mellan besöken.`,
  },
});

export const measurePublish = async (
  strapi: Core.Strapi,
  db: Db,
  runs: number,
  validBefore: number
) => {
  const consent = strapi.plugin('consent');
  const states = consent.service('states');
  const texts = consent.service('texts');
  const before = await states.currentFingerprint();
  const results: {
    ms: number;
    version: string;
    fingerprint: string;
    validNow: number;
    holdingOld: number;
  }[] = [];
  for (let k = 1; k <= runs; k += 1) {
    const previous = await states.currentFingerprint();
    const t = process.hrtime.bigint();
    const text = await texts.publish(
      'storage',
      { changeKind: 'substantive', bodies: BODIES(k), summary: `bench ${k}` },
      { id: 'bench', name: 'bench' }
    );
    const took = ms(t);
    const fingerprint = await states.currentFingerprint();
    // The proof, in one count: nobody holds the new fingerprint (nobody is valid any
    // more), and everyone who was valid still holds the one they consented to.
    const { rows } = await db.query(
      `SELECT count(*) FILTER (WHERE s.required_fingerprint = $1) AS valid_now,
              count(*) FILTER (WHERE s.required_fingerprint = $2) AS holding_old
       FROM clients c JOIN consent_subjects s ON s.subject = c.document_id`,
      [fingerprint, before]
    );
    results.push({
      ms: round(took, 2),
      version: text.version,
      fingerprint,
      validNow: Number(rows[0].valid_now),
      holdingOld: Number(rows[0].holding_old),
    });
    if (fingerprint === previous)
      throw new Error(`publish ${k} did not change the fingerprint (${fingerprint})`);
  }
  const problems: string[] = [];
  for (const r of results) {
    if (r.validNow !== 0) problems.push(`after ${r.version}: ${r.validNow} subjects still valid`);
    if (r.holdingOld !== validBefore)
      problems.push(
        `after ${r.version}: ${r.holdingOld} hold the old fingerprint, ${validBefore} were valid`
      );
  }
  // And as the plugin sees it: no page of valid subjects, bench client 1 (valid before) is outdated.
  const validPage = await states.pageSubjects({ valid: true, after: 0, limit: 50 });
  if (validPage.length !== 0)
    problems.push(`pageSubjects({ valid: true }) still returns ${validPage.length} rows`);
  const one = (await db.query(`SELECT ${clientDocumentIdSql('1')} AS id`)).rows[0].id;
  const view = await states.forSubject(one);
  if (view.valid || view.status !== 'outdated')
    problems.push(`bench client 1 is ${view.status} after publishing, expected outdated`);
  const timings = results.map((r) => r.ms);
  return {
    runs: results,
    median: round(quantile(timings, 0.5), 2),
    max: round(Math.max(...timings), 2),
    first: timings[0],
    validBefore,
    ok: problems.length === 0,
    problems,
  };
};
