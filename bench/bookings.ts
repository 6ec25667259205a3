/**
 * The booking benchmark: what the plugin's public booking intake costs.
 *
 *   node -r ./bench/register.js bench/bookings.ts [--rounds 6] [--requests 1000] [--concurrency 10]
 *        [--warmup 1000] [--segment-warmup 100] [--returning 0] [--serial 500] [--count 20]
 *        [--no-compile] [--keep] [--cpu-prof] [--no-vacuum]
 *
 * Three variants of the same demo app, each in a child process of its own, in
 * production mode, on a PostgreSQL schema of its own (dropped and created again),
 * the consent worker off (the bench measures the booking, not the mail):
 *   - baseline: CONSENT_ENABLED=false, the app without the plugin, plus a
 *     baseline-only booking intake (bench/bookings/baseline.ts: the client found by
 *     email or created, then the booking with its relation, in one transaction: what
 *     the demo's own controller did before the plugin owned the intake); the
 *     request bodies carry no `data.consent` (Strapi would reject it);
 *   - new:      the plugin enabled (the demo's requirement 'warn'), every booking by a
 *     new client: the plugin's intake creates the client from `data.contact` and
 *     records `data.consent` (storage given, marketing refused, the versions shown);
 *   - existing: the same, but every booking names a client who booked before, from
 *     the anonymous page: the decisions are held and the client's one confirmation
 *     request is queued. Its clients are made unmeasured just before they are used,
 *     by a first booking with consent through the same intake.
 * Request i carries the same data in every variant (email, name, date, service).
 *
 * The load comes from this (parent) process: a keep-alive HTTP client with a
 * fixed number of requests in flight (10), POST /api/bookings as a public
 * booking front-end sends it. After an unmeasured warm-up of each server, the
 * measured segments alternate ABC, CBA, ABC, ... Every segment is the same
 * number of bookings, so the databases grow alike (the client is looked up by
 * email with a scan, which gets slower as `clients` grows) and the back-to-back
 * segments cancel slow drift. Figures: pooled over all segments, per round, and the
 * median of the per-round ratios with a bootstrap interval, for each plugin
 * variant against the same baseline. Also the CPU time per booking of the server
 * process and of all PostgreSQL processes (/proc), which does not depend on queueing.
 *
 * Then one booking at a time (no contention) in alternating chunks, the SQL
 * statements per booking (knex 'query' events in the server) with the socket
 * writes to PostgreSQL, and a check of what the existing-client bookings left.
 *
 * Output: the table, the ratios (variant / baseline for latency and CPU, baseline
 * / variant for throughput), PASS/FAIL against 1.15x, bench/results/bookings-latest.json.
 *
 * This file is the command line; the parts live in bench/bookings/: server.ts
 * (the servers, in their child processes), baseline.ts (the baseline's intake),
 * load.ts (the requests and what is measured with them), check.ts, report.ts
 * (the table and the JSON).
 */
import fs from 'node:fs';
import path from 'node:path';
import { prepareDemoApp, RESULTS, ROOT } from './boot';
import {
  arg,
  autovacuumOn,
  dropSchema,
  flag,
  fmt,
  ms,
  resetSchema,
  vacuumCatalog,
  vacuumSchema,
} from './lib';
import {
  countQueries,
  drive,
  makeExistingLoad,
  makeLoad,
  measure,
  serial,
  type Load,
  type Segment,
} from './bookings/load';
import { report } from './bookings/report';
import { checkExisting } from './bookings/check';
import {
  LABEL,
  SCHEMA,
  startServer,
  VARIANTS,
  type QueryCount,
  type Server,
  type Variant,
} from './bookings/server';

const main = async () => {
  const settings = {
    rounds: Number(arg('rounds') ?? 6),
    requests: Number(arg('requests') ?? 1000),
    concurrency: Number(arg('concurrency') ?? 10),
    warmup: Number(arg('warmup') ?? 1000),
    segmentWarmup: Number(arg('segment-warmup') ?? 100),
    returning: Number(arg('returning') ?? 0),
    serial: Number(arg('serial') ?? 500),
    count: Number(arg('count') ?? 20),
  };
  const run = Date.now().toString(36);

  await prepareDemoApp({ compile: !flag('no-compile') });
  fs.mkdirSync(RESULTS, { recursive: true });

  const servers = {} as Record<Variant, Server>;
  const existing = makeExistingLoad(run);
  const loads: Record<Variant, Load> = {
    baseline: makeLoad('baseline', run, settings.returning),
    new: makeLoad('new', run, settings.returning),
    existing,
  };
  /** The clients the next `n` existing-client bookings name, made now (unmeasured, through the plugin's intake). */
  let primedBookings = 0;
  const prime = async (n: number) => {
    const missing = n - existing.available();
    if (missing <= 0) return;
    await drive(servers.existing, existing.prime, missing, settings.concurrency);
    primedBookings += missing;
  };
  try {
    for (const variant of VARIANTS) {
      const t = process.hrtime.bigint();
      await resetSchema(SCHEMA[variant]);
      servers[variant] = await startServer(variant);
      console.log(
        `${LABEL[variant]}: booted on schema ${SCHEMA[variant]} in ${(ms(t) / 1000).toFixed(1)} s`
      );
    }
    // JIT, connection pools, PostgreSQL caches: the same bookings on all, not measured.
    await prime(settings.warmup);
    for (const variant of VARIANTS)
      await drive(servers[variant], loads[variant], settings.warmup, settings.concurrency);

    // Autovacuum's stand-in (off on these machines' PostgreSQL): the catalogs once, both schemas between rounds; unmeasured.
    const vacuum = !flag('no-vacuum') && !(await autovacuumOn());
    if (vacuum) {
      console.log(
        'PostgreSQL runs without autovacuum: every bench schema gets VACUUM (ANALYZE) before every round, unmeasured'
      );
      const took = await vacuumCatalog();
      console.log(`  and its catalogs (pg_catalog) once, now: ${took.toFixed(0)} ms`);
    }
    const segments: Segment[] = [];
    for (let r = 1; r <= settings.rounds; r += 1) {
      // This round's existing clients, before the vacuum (which then also cleans up after them).
      await prime(settings.segmentWarmup + settings.requests);
      if (vacuum) for (const variant of VARIANTS) await vacuumSchema(SCHEMA[variant]);
      for (const variant of r % 2 === 1 ? VARIANTS : [...VARIANTS].reverse()) {
        if (settings.segmentWarmup > 0)
          await drive(
            servers[variant],
            loads[variant],
            settings.segmentWarmup,
            settings.concurrency
          );
        const s = await measure(
          servers[variant],
          loads[variant],
          r,
          settings.requests,
          settings.concurrency
        );
        segments.push(s);
        console.log(
          `round ${r} ${LABEL[variant].padEnd(15)}: ${s.bookings} bookings in ${fmt(s.seconds)} s, ${fmt(s.rps)} req/s, p50 ${fmt(s.p50)} ms, ` +
            `p95 ${fmt(s.p95)} ms; CPU per booking: server ${fmt(s.serverCpuMs, 2)} ms, PostgreSQL ${fmt(s.postgresCpuMs, 2)} ms`
        );
      }
    }

    if (flag('cpu-prof')) {
      // Not part of the figures: the profiler slows the server down.
      await prime(settings.requests);
      for (const variant of VARIANTS) {
        const file = path.join(RESULTS, 'profiles', `bookings-${variant}.cpuprofile`);
        await servers[variant].request({ cmd: 'profile-start' }, 'profiling');
        await drive(servers[variant], loads[variant], settings.requests, settings.concurrency);
        await servers[variant].request({ cmd: 'profile-stop', file }, 'profiled');
        console.log(
          `profiled ${variant}: ${settings.requests} bookings -> ${path.relative(ROOT, file)}`
        );
      }
    }

    await prime(settings.serial);
    const oneAtATime = settings.serial > 0 ? await serial(servers, loads, settings.serial) : null;
    await prime(settings.count);
    const counts = {} as Record<Variant, QueryCount>;
    for (const variant of VARIANTS)
      counts[variant] = await countQueries(servers[variant], loads[variant], settings.count);
    // What the existing-client bookings left behind: held decisions and one queued confirmation each, no events.
    const existingCheck = await checkExisting(
      SCHEMA.existing,
      primedBookings,
      primedBookings - existing.available()
    );

    report(
      { ...settings, vacuumBetweenRounds: vacuum },
      segments,
      counts,
      oneAtATime,
      existingCheck
    );
  } finally {
    for (const server of Object.values(servers)) await server.stop();
    if (!flag('keep')) for (const variant of VARIANTS) await dropSchema(SCHEMA[variant]);
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
