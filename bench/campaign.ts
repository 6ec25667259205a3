/**
 * The campaign benchmark (issue 4): a consent campaign to 100,000 clients on
 * PostgreSQL. How long does queueing it take, and how fast does the plugin send
 * it to an SMTP server, against raw nodemailer sending the same number of mails
 * to the same server with the same pool?
 *
 *   node -r ./bench/register.js bench/campaign.ts [--clients 100000] [--rounds 3] [--pool 5] [--batch 100]
 *        [--lease 300] [--window <batch>] [--segments 10] [--warmup 2000] [--diag 10000] [--cpu-prof | --alloc-prof]
 *        [--what-if "analyze;analyze+reads;..." | none] [--no-re-enqueue] [--no-compile] [--keep]
 *
 * Targets: enqueue <= 3 s; plugin throughput >= 0.8x raw nodemailer (pool: true,
 * the same maxConnections, the same no-delay getSocket).
 *
 * Processes:
 *   - an SMTP sink in a child process of its own (smtp-server: accepts
 *     everything, counts messages, bytes and distinct recipients, keeps no
 *     data), so its CPU is not the sender's;
 *   - this process: the demo app (production mode, PostgreSQL, schema
 *     consent_bench_campaign, CONSENT_WORKER=false, the demo's nodemailer
 *     provider pointed at the sink through SMTP_HOST / SMTP_PORT / SMTP_POOL)
 *     and the raw nodemailer baseline, one after the other.
 *
 * The demo's own 50 clients are deleted and `--clients` bench clients are
 * inserted set-based (distinct emails, no consent event: none holds valid
 * consent), so the audience "no valid consent" is exactly the bench clients.
 *
 * Each round: the plugin (POST /consent/campaigns through the admin API, then
 * worker.drain() sends everything in this process) and the baseline (raw
 * nodemailer from the provider's own dependency, with the provider's own
 * options object, the same number of mails of the same size: the plugin's own
 * renderer, a token per mail). By default they are interleaved: the campaign's
 * rows are held after the enqueue and released a tenth at a time (`--segments`),
 * and each tenth of the plugin's send alternates with a tenth of the baseline's
 * (AB BA AB ...), each part timed on its own; this machine's speed drifts by up
 * to a fifth over minutes, and whole rounds of each (`--segments 1`: AB, BA, ...
 * per round) put that drift into the ratio. Before each plugin
 * round the queue tables (requests, link tokens, campaigns) are emptied, so
 * every round queues the same campaign onto the same database. After the send
 * the round checks that the sink got exactly N mails to N distinct recipients
 * (2N, all distinct, when interleaved with the baseline's),
 * that every request row is 'sent', no row is still leased, N link tokens
 * exist and the campaign is completed. Then it times a second campaign while
 * the first one's requests are still open (it supersedes all of them: a
 * heavier case, reported apart, not part of the target).
 *
 * What-if rounds (reported apart, never in the target figures): the plugin
 * again with proposed changes applied in memory or in the bench schema only
 * (nothing under server/ changes), each next to a raw round.
 *
 * Diagnostics (unless --diag 0): a campaign of 10,000 clients with the SQL
 * statements counted and the time of each phase of a batch (claim, prelude,
 * render + SMTP, settle); with --cpu-prof also CPU profiles of a plugin send
 * and a raw send (bench/results/profiles/), summarised by function and package.
 *
 * Output: the table, PASS/FAIL, bench/results/campaign-latest.json.
 *
 * This file is the command line; the parts live in bench/campaign/: sink.ts (the
 * SMTP sink), seed.ts (the audience, the queue), plugin.ts (plugin rounds),
 * raw.ts and provider.ts (the nodemailer baseline), measure.ts (CPU per mail),
 * what-if.ts, diagnose.ts, report.ts (the table and the JSON).
 */
import fs from 'node:fs';
import type { TestApp } from '../tests/helpers/app';
import { prepareDemoApp, RESULTS } from './boot';
import { arg, bootApp, connect, dropSchema, flag, fmt, ms, resetSchema, type Db } from './lib';
import { diagnose } from './campaign/diagnose';
import { drainSender, pluginRound, type PluginRound } from './campaign/plugin';
import { checkProvider, providerNodemailer, type Transport } from './campaign/provider';
import { makeRawMessages, rawParts, rawRound, rawSend, type RawRound } from './campaign/raw';
import { codeVersion, report } from './campaign/report';
import { resetQueue, seedClients } from './campaign/seed';
import { startSink } from './campaign/sink';
import { parseWhatIf, whatIfRounds } from './campaign/what-if';

const SCHEMA = 'consent_bench_campaign';

const parseSettings = () => ({
  clients: Number(arg('clients') ?? 100_000),
  rounds: Number(arg('rounds') ?? 3),
  pool: Number(arg('pool') ?? 5),
  batch: Number(arg('batch') ?? 100),
  lease: Number(arg('lease') ?? 300),
  window: Number(arg('window') ?? arg('batch') ?? 100),
  segments: Number(arg('segments') ?? 10),
  warmup: Number(arg('warmup') ?? 2000),
  diag: Number(arg('diag') ?? 10_000),
  cpuProf: flag('cpu-prof'),
  allocProf: flag('alloc-prof'),
  reEnqueue: !flag('no-re-enqueue'),
  concurrency: arg('concurrency'),
  whatIf: parseWhatIf(arg('what-if')),
});

const main = async () => {
  const settings = parseSettings();
  await prepareDemoApp({ compile: !flag('no-compile') });
  fs.mkdirSync(RESULTS, { recursive: true });

  const sink = await startSink();
  console.log(`SMTP sink: child process ${sink.child.pid}, 127.0.0.1:${sink.port}`);
  // The demo's email provider: nodemailer, pooled, no-delay sockets (playground/config/plugins.ts).
  Object.assign(process.env, {
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(sink.port),
    SMTP_POOL: String(settings.pool),
    CONSENT_WORKER: 'false',
    CONSENT_BATCH_SIZE: String(settings.batch),
    CONSENT_LEASE_SECONDS: String(settings.lease),
    PUBLIC_URL: 'https://salon.example.com',
  });
  if (settings.concurrency) process.env.CONSENT_WORKER_CONCURRENCY = settings.concurrency;
  for (const key of ['CONSENT_SMS', 'CONSENT_SMS_URL']) delete process.env[key];

  let app: TestApp | null = null;
  let db: Db | null = null;
  let transport: Transport | null = null;
  try {
    const code = codeVersion();
    console.log(
      `plugin code: commit ${code.commit}${code.serverChanges.length ? ` + ${code.serverChanges.length} changed files under server/ and content-types/` : ''}, built ${code.built}`
    );
    const tb = process.hrtime.bigint();
    await resetSchema(SCHEMA);
    app = await bootApp(SCHEMA);
    const { strapi } = app;
    console.log(`booted the demo app on schema ${SCHEMA} in ${(ms(tb) / 1000).toFixed(1)} s`);
    db = await connect(SCHEMA);
    const pgSettings = Object.fromEntries(
      (
        await db.query(
          `SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'autovacuum', 'work_mem', 'shared_buffers', 'synchronous_commit', 'max_connections')`
        )
      ).rows.map((r) => [r.name, r.setting])
    ) as Record<string, string>;
    console.log(
      `PostgreSQL ${pgSettings.server_version}: autovacuum ${pgSettings.autovacuum}, work_mem ${pgSettings.work_mem} kB, synchronous_commit ${pgSettings.synchronous_commit}`
    );
    const { options, noDelay } = checkProvider(strapi, sink.port, settings.pool);

    const seeded = await seedClients(db, settings.clients);
    console.log(
      `seeded ${seeded.clients} clients (distinct emails, no consent) in ${(seeded.ms / 1000).toFixed(1)} s`
    );

    const nodemailer = providerNodemailer();
    // The provider's own options (pool, maxConnections, getSocket: the same function), in a transport of its own.
    transport = nodemailer.createTransport({ ...options });
    const mail = await makeRawMessages(strapi);
    const token = await app.adminToken();

    // Warm-up (not measured): JIT, both pools' connections, PostgreSQL caches. It also finds
    // out whether worker.drain() sends with the background loop off.
    const consent = strapi.plugin('consent');
    const workerConfig = (
      consent.service('config').get() as { worker: { batchSize: number; concurrency?: number } }
    ).worker;
    const sender = drainSender(strapi);
    if (settings.warmup > 0) {
      await resetQueue(db);
      const subjects = (
        await db.query(`SELECT document_id FROM clients ORDER BY id DESC LIMIT $1`, [
          settings.warmup,
        ])
      ).rows.map((r) => r.document_id);
      await consent.service('campaigns').create({ name: 'Bench warm-up', audience: { subjects } });
      const drained = await sender.run();
      const left = Number(
        (await db.query(`SELECT count(*) AS n FROM consent_requests WHERE status = 'queued'`))
          .rows[0].n
      );
      if (left > 0)
        throw new Error(
          `worker.drain() sent ${drained} and left ${left} requests queued with CONSENT_WORKER=false`
        );
      await rawSend(transport, (i) => mail(0, i), settings.warmup, settings.window);
      console.log(
        `warm-up: ${settings.warmup} mails through the plugin and ${settings.warmup} raw`
      );
    }
    console.log(
      `sending with ${sender.via}: batch ${workerConfig.batchSize}, worker concurrency ${workerConfig.concurrency ?? '(none: one batch at a time)'}; ` +
        `pool ${settings.pool} connections; raw window ${settings.window}`
    );

    const plugin: PluginRound[] = [];
    const raw: RawRound[] = [];
    for (let r = 1; r <= settings.rounds; r += 1) {
      // Interleaved (the default): each round sends the campaign and the baseline in
      // `segments` alternating parts (AB BA ...), so both see the same machine.
      const interleaved =
        settings.segments > 1
          ? rawParts(transport, sink, mail, settings.clients, r, settings.window, settings.segments)
          : null;
      const order = interleaved
        ? ['plugin', 'raw']
        : r % 2 === 1
          ? ['raw', 'plugin']
          : ['plugin', 'raw'];
      for (const which of order) {
        if (which === 'plugin') {
          const p = await pluginRound(
            app,
            db,
            sink,
            sender,
            token,
            settings.clients,
            r,
            settings.reEnqueue,
            {
              interleave: interleaved
                ? {
                    segments: settings.segments,
                    between: () => interleaved.part(),
                    sinkTotal: 2 * settings.clients,
                  }
                : undefined,
            }
          );
          plugin.push(p);
          console.log(
            `round ${r} plugin: enqueue ${fmt(p.enqueue.ms, 0)} ms (${p.enqueue.total} queued), sent ${p.sent} in ${fmt(p.seconds, 1)} s = ` +
              `${fmt(p.mailsPerSecond)} mails/s; CPU per mail: sender ${fmt(p.cpu.senderMs, 3)} ms, PostgreSQL ${fmt(p.cpu.postgresMs, 3)} ms, ` +
              `sink ${fmt(p.cpu.sinkMs, 3)} ms; machine busy ${fmt(p.cpu.machineBusy * 100, 0)} %; ${p.checks.ok ? 'checks OK' : `CHECKS FAILED: ${p.checks.problems.join('; ')}`}` +
              (p.reEnqueue
                ? `; re-enqueue over the open campaign ${fmt(p.reEnqueue.ms, 0)} ms (${p.reEnqueue.superseded} superseded)`
                : '')
          );
        } else {
          const q = interleaved
            ? await interleaved.result(plugin[plugin.length - 1].checks)
            : await rawRound(transport, sink, mail, settings.clients, r, settings.window);
          raw.push(q);
          console.log(
            `round ${r} raw   : sent ${q.sent} in ${fmt(q.seconds, 1)} s = ${fmt(q.mailsPerSecond)} mails/s; CPU per mail: sender ${fmt(q.cpu.senderMs, 3)} ms, ` +
              `sink ${fmt(q.cpu.sinkMs, 3)} ms; machine busy ${fmt(q.cpu.machineBusy * 100, 0)} %; ${q.checks.ok ? 'checks OK' : `CHECKS FAILED: ${q.checks.problems.join('; ')}`}`
          );
        }
      }
    }

    // What if: the proposed changes, cumulatively, one plugin round each, next to a raw round.
    // Patched in memory and in the bench schema only; reported apart, not the plugin as shipped.
    const whatIf = await whatIfRounds(
      { app, db, sink, sender, token, transport, mail, workerConfig },
      settings.whatIf,
      settings
    );

    const diagnostics =
      settings.diag > 0
        ? await diagnose(
            app,
            db,
            sink,
            sender,
            transport,
            mail,
            Math.min(settings.diag, settings.clients),
            settings
          )
        : null;

    report({
      settings,
      run: { via: sender.via, worker: workerConfig },
      nodemailer: nodemailer.version,
      code,
      noDelay,
      plugin,
      raw,
      whatIf,
      diagnostics,
      pgSettings,
      seeded,
    });
  } finally {
    transport?.close();
    await db?.end();
    await app?.stop().catch((error) => console.error(error));
    await sink.stop();
    if (!flag('keep')) await dropSchema(SCHEMA);
  }
};

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
