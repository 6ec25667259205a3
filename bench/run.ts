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
import { prepareDemoApp, RESULTS } from './boot';
import { arg, bootApp, connect, dropSchema, ms, resetSchema, round, schemaFor } from './lib';
import {
  clientDocumentIdSql,
  MIXES,
  reconsent,
  seed,
  verifySeed,
  type MixName,
  type SeedResult,
  type VerifyResult,
} from './seed';
import { measurePages, measurePublish } from './run/measure';
import { label, printTable, TARGETS } from './run/report';

// ---------------------------------------------------------------------------
// Child: one size.
// ---------------------------------------------------------------------------

type Pages = Awaited<ReturnType<typeof measurePages>>;

export interface SizeResult {
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
  reconsent?: {
    every: number;
    subjects: number;
    ms: number;
    pagingValid: number;
    staleStats: Pages;
    analyzed: Pages;
  };
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
    log(
      `seeded in ${(seeded.totalMs / 1000).toFixed(1)} s: ${seeded.events} events, ${seeded.states} states, ${seeded.subjects} summaries`
    );

    const rebuild = process.argv.includes('--check-rebuild') || n <= 10000;
    const verify = await verifySeed(app.strapi, db, seeded, { rebuild });
    log(
      `verified: ${verify.ok ? 'OK' : 'FAILED ' + verify.problems.join('; ')} (plugin paging ${verify.paging.valid} valid / ${verify.paging.invalid} not, as planned; ` +
        `${verify.sampleStatuses} statuses` +
        (verify.rebuild
          ? `; rebuild() in ${verify.rebuild.ms} ms, ${verify.rebuild.statesDiff + verify.rebuild.subjectsDiff} rows differ`
          : '') +
        ')'
    );
    if (!verify.ok)
      throw new Error(
        `the seeded data is not what the plugin produces: ${verify.problems.join('; ')}`
      );

    const counts = (
      await db.query(
        `SELECT (SELECT max(id) FROM clients) AS max_id, (SELECT count(*) FROM clients) AS clients, (SELECT count(*) FROM consent_states) AS states, (SELECT count(*) FROM consent_events) AS events, (SELECT count(*) FROM consent_subjects) AS subjects`
      )
    ).rows[0];
    const maxId = Number(counts.max_id);

    log(`pages of 50, ${pages} random positions`);
    const invalid = await measurePages(app.strapi, db, false, pages, maxId);
    const valid = await measurePages(app.strapi, db, true, pages, maxId);
    log(
      `  no valid consent: db p50 ${invalid.db.p50} ms p95 ${invalid.db.p95} ms, service p50 ${invalid.js.p50} ms (${invalid.clientsVisited.p50} clients visited)`
    );
    log(
      `  valid consent:    db p50 ${valid.db.p50} ms p95 ${valid.db.p95} ms, service p50 ${valid.js.p50} ms (${valid.clientsVisited.p50} clients visited)`
    );

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
      log(
        `  publish median ${publish.median} ms, max ${publish.max} ms; check ${publish.ok ? 'OK' : 'FAILED ' + publish.problems.join('; ')}`
      );
      if (!publish.ok)
        throw new Error(`publish did not take effect: ${publish.problems.join('; ')}`);
      result.publish = publish;

      const few = Math.max(20, Math.floor(pages / 4));
      log(`pages again, nobody valid now (${few} positions)`);
      result.afterPublish = {
        invalid: await measurePages(app.strapi, db, false, few, maxId),
        valid: await measurePages(app.strapi, db, true, few, maxId),
      };
      log(
        `  no valid consent: db p50 ${result.afterPublish.invalid.db.p50} ms; valid consent (empty): db p50 ${result.afterPublish.valid.db.p50} ms`
      );

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
        throw new Error(
          `re-consent: plugin pages ${paged.total} valid (expected ${expected}), client ${every} is ${view.status}`
        );
      }
      log(
        `re-consent of 1 % (${re.subjects} clients) in ${re.ms} ms; plugin pages ${paged.total} valid`
      );
      const staleStats = await measurePages(app.strapi, db, true, few, maxId);
      await db.query(`ANALYZE consent_subjects`);
      const analyzed = await measurePages(app.strapi, db, true, few, maxId);
      log(
        `  valid consent (1 %): db p50 ${staleStats.db.p50} ms p95 ${staleStats.db.p95} ms stale statistics; ${analyzed.db.p50} / ${analyzed.db.p95} ms after ANALYZE`
      );
      result.reconsent = {
        every,
        subjects: re.subjects,
        ms: re.ms,
        pagingValid: paged.total,
        staleStats,
        analyzed,
      };
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
      [
        '-r',
        path.join(__dirname, 'register.js'),
        __filename,
        '--child',
        String(n),
        '--mix',
        mix,
        '--out',
        out,
        ...process.argv.slice(2),
      ],
      {
        stdio: 'inherit',
        env: { ...process.env, STRAPI_TELEMETRY_DISABLED: 'true', NODE_NO_WARNINGS: '1' },
      }
    );
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`bench of ${n} clients exited with ${code}`));
      const result = JSON.parse(fs.readFileSync(out, 'utf8')) as SizeResult;
      fs.rmSync(out, { force: true });
      resolve(result);
    });
  });

const main = async () => {
  const child = arg('child');
  if (child)
    return runSize(Number(child), (arg('mix') ?? 'default') as MixName, arg('out') as string);

  const started = process.hrtime.bigint();
  const sizes = (arg('sizes') ?? '10000,1000000')
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
  await prepareDemoApp({ compile: !process.argv.includes('--no-compile') });

  const mixes: MixName[] = process.argv.includes('--no-sparse')
    ? ['default']
    : ['default', 'mostly-valid'];
  for (const mix of mixes) if (!MIXES[mix]) throw new Error(`unknown mix ${mix}`);
  const results: SizeResult[] = [];
  const mostlyValid: SizeResult[] = [];
  for (const mix of mixes) {
    for (const n of sizes) (mix === 'default' ? results : mostlyValid).push(await runChild(n, mix));
  }
  const checks = printTable(results, mostlyValid);

  const [small, large] = [results[0], results[results.length - 1]];
  console.log(
    `seeding: ${[...results, ...mostlyValid].map((r) => `${label(r.clients)} ${r.mix} in ${(r.seed.totalMs / 1000).toFixed(1)} s`).join(', ')}`
  );
  console.log(
    `\nEXPLAIN (ANALYZE, BUFFERS) of the 'no valid consent' page at ${label(large.clients)} (after = ${large.pages.invalid.planAfter}):`
  );
  console.log(large.pages.invalid.plan);
  const sparseLarge = mostlyValid[mostlyValid.length - 1];
  if (sparseLarge) {
    console.log(
      `\nthe same page at ${label(sparseLarge.clients)} when 99 % are valid (after = ${sparseLarge.pages.invalid.planAfter}):`
    );
    console.log(sparseLarge.pages.invalid.plan);
  }
  if (large.reconsent) {
    console.log(
      `\nthe 'valid consent' page at ${label(large.clients)} when 1 % re-consented after the publish, stale statistics (after = ${large.reconsent.staleStats.planAfter}):`
    );
    console.log(large.reconsent.staleStats.plan);
    console.log(`\n... and after ANALYZE:`);
    console.log(large.reconsent.analyzed.plan);
  }

  fs.mkdirSync(RESULTS, { recursive: true });
  const report = {
    at: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: os.cpus().length,
      platform: `${os.platform()} ${os.release()}`,
    },
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
