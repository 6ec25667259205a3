/**
 * The consent benchmark: how publishing a substantive version and the
 * "no valid consent" page cost grow from 10,000 to 1,000,000 clients.
 *
 *   node -r ./bench/register.js bench/run.ts [--sizes 10000,1000000] [--pages 200] [--publishes 5]
 *        [--no-compile] [--no-sparse] [--check-rebuild] [--drop]
 *
 * For each size, in a child process of its own (one Strapi per process, as in
 * the test suite) and a PostgreSQL schema of its own (consent_bench_10k,
 * consent_bench_1m, dropped and created again):
 *   1. boot the real demo app in-process (createStrapi, playground/dist),
 *   2. seed N clients and their consents in set-based SQL (bench/seed.ts) and
 *      verify them against the plugin (paging counts, statuses, and at 10k the
 *      plugin's own rebuild() from the event log),
 *   3. the pages of 50 subjects with / without valid consent: the exact SQL
 *      states.pageSubjects() runs (captured from knex), EXPLAIN (ANALYZE, BUFFERS)
 *      at ~200 random keyset positions, plus the service call timed from JS,
 *   4. publish a substantive version of 'storage' through the texts service,
 *      several times (median, max), each followed by a check that nobody who
 *      was valid still is,
 *   5. the pages again, now that nobody has valid consent, then once 1 % of the
 *      clients consented again (the sparse cases),
 *   6. unless --no-sparse: the same pages on a 'mostly-valid' mix (99 % valid),
 *      in schemas consent_bench_10k_mostly_valid / consent_bench_1m_mostly_valid.
 * Then a table (10k | 1M | ratio), the targets with PASS/FAIL, and
 * bench/results/latest.json.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import { prepareDemoApp, RESULTS } from './boot';
import { arg, bootApp, connect, dropSchema, fmt, ms, mulberry32, quantile, resetSchema, round, schemaFor, type Db } from './lib';
import { clientDocumentIdSql, MIXES, reconsent, seed, verifySeed, type MixName, type SeedResult, type VerifyResult } from './seed';


const TARGETS = { publishMs: 2000, pageDbMs: 5 };


const stats = (values: number[]) => ({
  p50: round(quantile(values, 0.5), 3),
  p95: round(quantile(values, 0.95), 3),
  max: round(Math.max(...values), 3),
  n: values.length,
});

// ---------------------------------------------------------------------------
// Child: one size.
// ---------------------------------------------------------------------------

interface CapturedQuery {
  sql: string;
  bindings: unknown[];
  afterIndex: number;
}

/** Run pageSubjects once and capture the SQL it sends (and which binding is `after`). */
const capturePageQuery = async (strapi: Core.Strapi, valid: boolean): Promise<CapturedQuery> => {
  const sentinel = 987654321;
  const seen: { sql: string; bindings: unknown[] }[] = [];
  const client = strapi.db.connection.client;
  const listener = (q: { sql: string; bindings: unknown[] }) => seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
  client.on('query', listener);
  try {
    await strapi.plugin('consent').service('states').pageSubjects({ valid, after: sentinel, limit: 50 });
  } finally {
    client.off('query', listener);
  }
  const page = seen.find((q) => q.bindings.includes(sentinel));
  if (!page) throw new Error('could not capture the page query');
  return { ...page, afterIndex: page.bindings.indexOf(sentinel) };
};

interface PlanSample {
  executionMs: number;
  planningMs: number;
  sharedHit: number;
  sharedRead: number;
  rows: number;
  /** Rows the scan of `clients` produced before the page was full (how far it walked). */
  clientsVisited: number;
}

const findNode = (node: any, test: (n: any) => boolean): any => {
  if (test(node)) return node;
  for (const child of node.Plans ?? []) {
    const found = findNode(child, test);
    if (found) return found;
  }
  return null;
};

const explain = async (db: Db, q: CapturedQuery, after: number): Promise<PlanSample> => {
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

const explainText = async (db: Db, q: CapturedQuery, after: number): Promise<string> => {
  const params = [...q.bindings];
  params[q.afterIndex] = after;
  const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
};

/** The page of 50, at the database (EXPLAIN ANALYZE) and through the service, at random keyset positions. */
const measurePages = async (strapi: Core.Strapi, db: Db, valid: boolean, pages: number, maxId: number) => {
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

const BODIES = (k: number) => ({
  en: { title: 'Storage of personal data', text: `Bench version ${k}: the client card and booking history are kept between visits.` },
  da: { title: 'Opbevaring af personoplysninger', text: `Bench version ${k}: kundekortet og bookinghistorikken opbevares mellem besøgene.` },
  sv: { title: 'Lagring av personuppgifter', text: `Bench version ${k}: kundkortet och bokningshistoriken sparas mellan besöken.` },
});

const measurePublish = async (strapi: Core.Strapi, db: Db, runs: number, validBefore: number) => {
  const consent = strapi.plugin('consent');
  const states = consent.service('states');
  const texts = consent.service('texts');
  const before = await states.currentFingerprint();
  const results: { ms: number; version: string; fingerprint: string; validNow: number; holdingOld: number }[] = [];
  for (let k = 1; k <= runs; k += 1) {
    const previous = await states.currentFingerprint();
    const t = process.hrtime.bigint();
    const text = await texts.publish('storage', { changeKind: 'substantive', bodies: BODIES(k), summary: `bench ${k}` }, { id: 'bench', name: 'bench' });
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
    results.push({ ms: round(took, 2), version: text.version, fingerprint, validNow: Number(rows[0].valid_now), holdingOld: Number(rows[0].holding_old) });
    if (fingerprint === previous) throw new Error(`publish ${k} did not change the fingerprint (${fingerprint})`);
  }
  const problems: string[] = [];
  for (const r of results) {
    if (r.validNow !== 0) problems.push(`after ${r.version}: ${r.validNow} subjects still valid`);
    if (r.holdingOld !== validBefore) problems.push(`after ${r.version}: ${r.holdingOld} hold the old fingerprint, ${validBefore} were valid`);
  }
  // And as the plugin sees it: no page of valid subjects, bench client 1 (valid before) is outdated.
  const validPage = await states.pageSubjects({ valid: true, after: 0, limit: 50 });
  if (validPage.length !== 0) problems.push(`pageSubjects({ valid: true }) still returns ${validPage.length} rows`);
  const one = (await db.query(`SELECT ${clientDocumentIdSql('1')} AS id`)).rows[0].id;
  const view = await states.forSubject(one);
  if (view.valid || view.status !== 'outdated') problems.push(`bench client 1 is ${view.status} after publishing, expected outdated`);
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

type Pages = Awaited<ReturnType<typeof measurePages>>;

interface SizeResult {
  clients: number;
  mix: MixName;
  schema: string;
  totalClients: number;
  states: number;
  events: number;
  subjects: number;
  bootMs: number;
  seed: SeedResult;
  verify: VerifyResult;
  pages: { invalid: Pages; valid: Pages };
  /** Default mix only: publishing, then the pages once nobody / 1 % is valid. */
  publish?: Awaited<ReturnType<typeof measurePublish>>;
  afterPublish?: { invalid: Pages; valid: Pages };
  reconsent?: { every: number; subjects: number; ms: number; pagingValid: number; staleStats: Pages; analyzed: Pages };
  totalMs: number;
}

const runSize = async (n: number, mix: MixName, out: string) => {
  const started = process.hrtime.bigint();
  const pages = Number(arg('pages') ?? 200);
  const publishes = Number(arg('publishes') ?? 5);
  const schema = schemaFor(n) + (mix === 'default' ? '' : `_${mix.replace(/-/g, '_')}`);
  const log = (line: string) => console.log(`[${schema}] ${line}`);

  await resetSchema(schema);
  const tb = process.hrtime.bigint();
  const app = await bootApp(schema);
  const bootMs = round(ms(tb), 0);
  log(`booted the demo app in ${bootMs} ms`);
  const db = await connect(schema);
  try {
    log(`seeding ${n} clients (${mix} mix)`);
    const seeded = await seed(db, { clients: n, mix, log: (l) => log(l.trim()) });
    log(`seeded in ${(seeded.totalMs / 1000).toFixed(1)} s: ${seeded.events} events, ${seeded.states} states, ${seeded.subjects} summaries`);

    const rebuild = process.argv.includes('--check-rebuild') || n <= 10000;
    const verify = await verifySeed(app.strapi, db, seeded, { rebuild });
    log(
      `verified: ${verify.ok ? 'OK' : 'FAILED ' + verify.problems.join('; ')} (plugin paging ${verify.paging.valid} valid / ${verify.paging.invalid} not, as planned; ` +
        `${verify.sampleStatuses} statuses` +
        (verify.rebuild ? `; rebuild() in ${verify.rebuild.ms} ms, ${verify.rebuild.statesDiff + verify.rebuild.subjectsDiff} rows differ` : '') +
        ')'
    );
    if (!verify.ok) throw new Error(`the seeded data is not what the plugin produces: ${verify.problems.join('; ')}`);

    const counts = (await db.query(`SELECT (SELECT max(id) FROM clients) AS max_id, (SELECT count(*) FROM clients) AS clients, (SELECT count(*) FROM consent_states) AS states, (SELECT count(*) FROM consent_events) AS events, (SELECT count(*) FROM consent_subjects) AS subjects`)).rows[0];
    const maxId = Number(counts.max_id);

    log(`pages of 50, ${pages} random positions`);
    const invalid = await measurePages(app.strapi, db, false, pages, maxId);
    const valid = await measurePages(app.strapi, db, true, pages, maxId);
    log(`  no valid consent: db p50 ${invalid.db.p50} ms p95 ${invalid.db.p95} ms, service p50 ${invalid.js.p50} ms (${invalid.clientsVisited.p50} clients visited)`);
    log(`  valid consent:    db p50 ${valid.db.p50} ms p95 ${valid.db.p95} ms, service p50 ${valid.js.p50} ms (${valid.clientsVisited.p50} clients visited)`);

    const result: SizeResult = {
      clients: n,
      mix,
      schema,
      totalClients: Number(counts.clients),
      states: Number(counts.states),
      events: Number(counts.events),
      subjects: Number(counts.subjects),
      bootMs,
      seed: seeded,
      verify,
      pages: { invalid, valid },
      totalMs: 0,
    };

    if (mix === 'default') {
      log(`publishing ${publishes} substantive versions of 'storage'`);
      const publish = await measurePublish(app.strapi, db, publishes, verify.paging.valid);
      log(`  publish median ${publish.median} ms, max ${publish.max} ms; check ${publish.ok ? 'OK' : 'FAILED ' + publish.problems.join('; ')}`);
      if (!publish.ok) throw new Error(`publish did not take effect: ${publish.problems.join('; ')}`);
      result.publish = publish;

      const few = Math.max(20, Math.floor(pages / 4));
      log(`pages again, nobody valid now (${few} positions)`);
      result.afterPublish = {
        invalid: await measurePages(app.strapi, db, false, few, maxId),
        valid: await measurePages(app.strapi, db, true, few, maxId),
      };
      log(`  no valid consent: db p50 ${result.afterPublish.invalid.db.p50} ms; valid consent (empty): db p50 ${result.afterPublish.valid.db.p50} ms`);

      // Clients start consenting again: 1 % of them. Too few changed rows for
      // autovacuum to analyze again (10 % by default): the planner's statistics
      // do not know the new fingerprint yet. Then the same after ANALYZE.
      const every = 100;
      const re = await reconsent(db, { clients: n, every });
      const states = app.strapi.plugin('consent').service('states');
      const expected = Math.floor(n / every);
      const { countByPaging } = await import('./seed');
      const paged = await countByPaging(app.strapi, true, 5000);
      const one = (await db.query(`SELECT ${clientDocumentIdSql(String(every))} AS id`)).rows[0].id;
      const view = await states.forSubject(one);
      if (paged.total !== expected || !view.valid) {
        throw new Error(`re-consent: plugin pages ${paged.total} valid (expected ${expected}), client ${every} is ${view.status}`);
      }
      log(`re-consent of 1 % (${re.subjects} clients) in ${re.ms} ms; plugin pages ${paged.total} valid`);
      const staleStats = await measurePages(app.strapi, db, true, few, maxId);
      await db.query(`ANALYZE consent_subjects`);
      const analyzed = await measurePages(app.strapi, db, true, few, maxId);
      log(`  valid consent (1 %): db p50 ${staleStats.db.p50} ms p95 ${staleStats.db.p95} ms stale statistics; ${analyzed.db.p50} / ${analyzed.db.p95} ms after ANALYZE`);
      result.reconsent = { every, subjects: re.subjects, ms: re.ms, pagingValid: paged.total, staleStats, analyzed };
    }

    result.totalMs = round(ms(started), 0);
    fs.writeFileSync(out, JSON.stringify(result));
  } finally {
    await db.end();
    await app.stop();
  }
  if (process.argv.includes('--drop')) await dropSchema(schema);
};

// ---------------------------------------------------------------------------
// Parent: compile once, one child per size, the table.
// ---------------------------------------------------------------------------

const runChild = (n: number, mix: MixName): Promise<SizeResult> =>
  new Promise((resolve, reject) => {
    const out = path.join(os.tmpdir(), `consent-bench-${process.pid}-${n}-${mix}.json`);
    const child = spawn(
      process.execPath,
      ['-r', path.join(__dirname, 'register.js'), __filename, '--child', String(n), '--mix', mix, '--out', out, ...process.argv.slice(2)],
      { stdio: 'inherit', env: { ...process.env, STRAPI_TELEMETRY_DISABLED: 'true', NODE_NO_WARNINGS: '1' } }
    );
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`bench of ${n} clients exited with ${code}`));
      const result = JSON.parse(fs.readFileSync(out, 'utf8')) as SizeResult;
      fs.rmSync(out, { force: true });
      resolve(result);
    });
  });

const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n));

const printTable = (results: SizeResult[], mostlyValid: SizeResult[]) => {
  const [small, large] = [results[0], results[results.length - 1]];
  type Row = [string, (i: number) => number | undefined, number?];
  const d = (get: (r: SizeResult) => number | undefined) => (i: number) => get(results[i]);
  const mv = (get: (r: SizeResult) => number | undefined) => (i: number) => (mostlyValid[i] ? get(mostlyValid[i]) : undefined);
  const rows: Row[] = [
    ['seed (s)', d((r) => r.seed.totalMs / 1000), 1],
    ['consent_states rows', d((r) => r.states), 0],
    ['publish substantive, median (ms)', d((r) => r.publish?.median)],
    ['publish substantive, max (ms)', d((r) => r.publish?.max)],
    ["page 'no valid consent', DB p50 (ms)", d((r) => r.pages.invalid.db.p50), 3],
    ["page 'no valid consent', DB p95 (ms)", d((r) => r.pages.invalid.db.p95), 3],
    ["page 'no valid consent', service p50 (ms)", d((r) => r.pages.invalid.js.p50)],
    ["page 'no valid consent', service p95 (ms)", d((r) => r.pages.invalid.js.p95)],
    ["page 'valid consent', DB p50 (ms)", d((r) => r.pages.valid.db.p50), 3],
    ["page 'valid consent', DB p95 (ms)", d((r) => r.pages.valid.db.p95), 3],
    ["page 'valid consent', service p50 (ms)", d((r) => r.pages.valid.js.p50)],
    ['-- sparse cases (beyond the spec) --', () => undefined],
    ["after publish, 0 valid: 'no valid' DB p50", d((r) => r.afterPublish?.invalid.db.p50), 3],
    ["after publish, 0 valid: 'valid' DB p50", d((r) => r.afterPublish?.valid.db.p50), 3],
    ["1 % re-consented: 'valid' DB p50, stale stats", d((r) => r.reconsent?.staleStats.db.p50), 3],
    ["1 % re-consented: 'valid' DB p95, stale stats", d((r) => r.reconsent?.staleStats.db.p95), 3],
    ["1 % re-consented: 'valid' DB p50, analyzed", d((r) => r.reconsent?.analyzed.db.p50), 3],
    ["1 % re-consented: 'valid' DB p95, analyzed", d((r) => r.reconsent?.analyzed.db.p95), 3],
    ["99 % valid mix: 'no valid' DB p50 (ms)", mv((r) => r.pages.invalid.db.p50), 3],
    ["99 % valid mix: 'no valid' DB p95 (ms)", mv((r) => r.pages.invalid.db.p95), 3],
    ["99 % valid mix: 'no valid' service p50", mv((r) => r.pages.invalid.js.p50)],
    ["99 % valid mix: clients scanned per page", mv((r) => r.pages.invalid.clientsVisited.p50), 0],
  ];
  const head = ['operation (ms unless noted)', ...results.map((r) => label(r.clients)), `ratio ${label(large.clients)}/${label(small.clients)}`];
  const last = results.length - 1;
  const body = rows.map(([name, get, digits = 2]) => {
    const a = get(0);
    const b = get(last);
    if (name.startsWith('--')) return [name, ...results.map(() => ''), ''];
    return [
      name,
      ...results.map((_, i) => fmt(get(i) ?? NaN, digits)),
      results.length > 1 && a !== undefined && b !== undefined ? fmt(b / a, 2) : '',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  console.log('');
  console.log(line(head));
  console.log('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const row of body) console.log(line(row));
  console.log('');

  const target = results.find((r) => r.clients === 1_000_000) ?? large;
  const sparse = mostlyValid.find((r) => r.clients === target.clients);
  const checks = [
    {
      name: `publish substantive <= ${TARGETS.publishMs} ms at ${label(target.clients)} (max of ${target.publish?.runs.length})`,
      value: target.publish?.max ?? NaN,
      pass: (target.publish?.max ?? Infinity) <= TARGETS.publishMs,
      spec: true,
    },
    {
      name: `page 'no valid consent' <= ${TARGETS.pageDbMs} ms at the database at ${label(target.clients)} (p95 of ${target.pages.invalid.db.n})`,
      value: target.pages.invalid.db.p95,
      pass: target.pages.invalid.db.p95 <= TARGETS.pageDbMs,
      spec: true,
    },
    ...(sparse
      ? [
          {
            name: `same page when 99 % are valid, at ${label(target.clients)} (p95)`,
            value: sparse.pages.invalid.db.p95,
            pass: sparse.pages.invalid.db.p95 <= TARGETS.pageDbMs,
            spec: false,
          },
        ]
      : []),
    ...(target.reconsent
      ? [
          {
            name: `page 'valid consent' when 1 % are valid (stale statistics), at ${label(target.clients)} (p95)`,
            value: target.reconsent.staleStats.db.p95,
            pass: target.reconsent.staleStats.db.p95 <= TARGETS.pageDbMs,
            spec: false,
          },
        ]
      : []),
  ];
  console.log('targets (spec, default mix: 60 % valid):');
  for (const c of checks.filter((c) => c.spec)) console.log(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${fmt(c.value, 3)} ms`);
  if (checks.some((c) => !c.spec)) {
    console.log(`the same ${TARGETS.pageDbMs} ms budget on sparse pages (informative, not the spec):`);
    for (const c of checks.filter((c) => !c.spec)) console.log(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${fmt(c.value, 3)} ms`);
  }
  console.log('');
  return checks;
};

const main = async () => {
  const child = arg('child');
  if (child) return runSize(Number(child), (arg('mix') ?? 'default') as MixName, arg('out') as string);

  const started = process.hrtime.bigint();
  const sizes = (arg('sizes') ?? '10000,1000000').split(',').map(Number).sort((a, b) => a - b);
  await prepareDemoApp({ compile: !process.argv.includes('--no-compile') });

  const mixes: MixName[] = process.argv.includes('--no-sparse') ? ['default'] : ['default', 'mostly-valid'];
  for (const mix of mixes) if (!MIXES[mix]) throw new Error(`unknown mix ${mix}`);
  const results: SizeResult[] = [];
  const mostlyValid: SizeResult[] = [];
  for (const mix of mixes) {
    for (const n of sizes) (mix === 'default' ? results : mostlyValid).push(await runChild(n, mix));
  }
  const checks = printTable(results, mostlyValid);

  const [small, large] = [results[0], results[results.length - 1]];
  console.log(`seeding: ${[...results, ...mostlyValid].map((r) => `${label(r.clients)} ${r.mix} in ${(r.seed.totalMs / 1000).toFixed(1)} s`).join(', ')}`);
  console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of the 'no valid consent' page at ${label(large.clients)} (after = ${large.pages.invalid.planAfter}):`);
  console.log(large.pages.invalid.plan);
  const sparseLarge = mostlyValid[mostlyValid.length - 1];
  if (sparseLarge) {
    console.log(`\nthe same page at ${label(sparseLarge.clients)} when 99 % are valid (after = ${sparseLarge.pages.invalid.planAfter}):`);
    console.log(sparseLarge.pages.invalid.plan);
  }
  if (large.reconsent) {
    console.log(`\nthe 'valid consent' page at ${label(large.clients)} when 1 % re-consented after the publish, stale statistics (after = ${large.reconsent.staleStats.planAfter}):`);
    console.log(large.reconsent.staleStats.plan);
    console.log(`\n... and after ANALYZE:`);
    console.log(large.reconsent.analyzed.plan);
  }

  fs.mkdirSync(RESULTS, { recursive: true });
  const report = {
    at: new Date().toISOString(),
    machine: { node: process.version, cpus: os.cpus().length, platform: `${os.platform()} ${os.release()}` },
    targets: TARGETS,
    checks,
    ratios: {
      publishMedian: round((large.publish?.median ?? NaN) / (small.publish?.median ?? NaN), 2),
      pageInvalidDbP50: round(large.pages.invalid.db.p50 / small.pages.invalid.db.p50, 2),
      pageValidDbP50: round(large.pages.valid.db.p50 / small.pages.valid.db.p50, 2),
    },
    sizes: results,
    mostlyValid,
    totalMs: round(ms(started), 0),
  };
  fs.writeFileSync(path.join(RESULTS, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  console.log(`\nwrote bench/results/latest.json (total ${(report.totalMs / 1000).toFixed(0)} s)`);
  if (checks.some((c) => c.spec && !c.pass)) process.exitCode = 1;
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
