/**
 * Benchmark: verifying 1,000,000 chained consent events in one pass.
 *
 * 1. Boot the demo app on a fresh schema consent_bench_verify (tables, purposes,
 *    texts, the proof secret), then seed N clients x E events as the ledger chains
 *    them: the links are computed in node with server/src/domain/chain (the same
 *    module the ledger uses) and bulk-inserted with INSERT ... SELECT FROM unnest().
 *    Each summary row gets its chain head; one checkpoint seals them all.
 * 2. In a child process of its own (so the seed's memory does not count), boot the
 *    app again and measure: the idle RSS; the baseline, a plain read of the same
 *    rows in the same pages (summaries by subject, their events by subject IN (...))
 *    without hashing; then proof-verify's verify(). RSS is sampled every 20 ms.
 *
 *   npm run build && node -r ./bench/register.js bench/verify.ts [--clients 250000] [--events 4] [--no-compile] [--keep]
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import { linkEvents, type ChainEventInput } from '../server/src/domain/chain';
import { APP_DIR, prepareDemoApp, ROOT, writeResults } from './boot';
import { arg, bootApp, connect, dropSchema, flag, fmt, ms, resetSchema, round } from './lib';

const SCHEMA = 'consent_bench_verify';
const BATCH = 10_000;
const PURPOSES = ['storage', 'marketing', 'health', 'storage'];
const DECISIONS = ['given', 'refused', 'given', 'withdrawn'];

const subjectId = (i: number) => `v${i.toString(36).padStart(23, '0')}`;

const seed = async (strapi: Core.Strapi, clients: number, perClient: number) => {
  const db = await connect(SCHEMA);
  const secret: Buffer = await strapi.plugin('consent').service('keys').secret();
  const texts = (
    await db.query(
      `SELECT purpose_key, document_id, version, major, bodies, default_locale FROM consent_texts ORDER BY major DESC, minor DESC`
    )
  ).rows
    // Strapi, booted in this process, sets pg to hand jsonb back as text.
    .map((t) => ({ ...t, bodies: typeof t.bodies === 'string' ? JSON.parse(t.bodies) : t.bodies }));
  const textOf = (key: string) => {
    const text = texts.find((t) => t.purpose_key === key);
    if (!text?.bodies?.[text.default_locale])
      throw new Error(`no published text for ${key}: ${JSON.stringify(text)?.slice(0, 300)}`);
    return text;
  };
  const t0 = Date.now() - 30 * 86_400_000;
  await db.query(`SET synchronous_commit = off`);
  const started = process.hrtime.bigint();
  let events = 0;
  for (let from = 1; from <= clients; from += BATCH / perClient) {
    const to = Math.min(clients, from + BATCH / perClient - 1);
    const cols: unknown[][] = Array.from({ length: 18 }, () => []);
    const heads: [string[], number[], string[]] = [[], [], []];
    for (let i = from; i <= to; i += 1) {
      const subject = subjectId(i);
      const list: ChainEventInput[] = [];
      for (let k = 0; k < perClient; k += 1) {
        const key = PURPOSES[k % PURPOSES.length];
        const text = textOf(key);
        list.push({
          subject,
          purposeKey: key,
          decision: DECISIONS[k % DECISIONS.length],
          explicit: key === 'health',
          textId: text.document_id,
          textVersion: text.version,
          textMajor: text.major,
          textHash: text.bodies[text.default_locale].sha256,
          textLocale: text.default_locale,
          channel: k % 2 === 0 ? 'booking_page' : 'email_link',
          source: 'bench verify',
          actorType: 'subject',
          actorId: null,
          actorName: null,
          occurredAt: new Date(t0 + i * 1000 + k * 10),
          bookingId: null,
          requestId: null,
          ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          userAgent: 'BenchBrowser/1.0',
          note: null,
        });
      }
      const links = linkEvents(secret, subject, { seq: 0, hash: null }, list);
      list.forEach((e, k) => {
        const l = links[k];
        const values = [
          `w${(events + 1).toString(36).padStart(23, '0')}`,
          e.subject,
          e.purposeKey,
          e.decision,
          e.explicit,
          e.textId,
          e.textVersion,
          e.textMajor,
          e.textHash,
          e.textLocale,
          e.channel,
          e.source,
          e.actorType,
          e.occurredAt,
          e.ip,
          e.userAgent,
          l.chainSeq,
          `${l.prevHash}|${l.hash}|${l.evidenceDigest}`,
        ];
        values.forEach((v, c) => cols[c].push(v));
        events += 1;
      });
      heads[0].push(subject);
      heads[1].push(links[links.length - 1].chainSeq);
      heads[2].push(links[links.length - 1].hash);
    }
    await db.query(
      `INSERT INTO consent_events (document_id, subject, purpose_key, decision, explicit, text_id, text_version, text_major, text_hash, text_locale,
         channel, source, actor_type, occurred_at, ip, user_agent, chain_seq, prev_hash, hash, evidence_digest, created_at, updated_at, published_at)
       SELECT d, s, p, dc, ex, ti, tv, tm, th, tl, ch, so, at, oc, ip, ua, cs, split_part(h, '|', 1), split_part(h, '|', 2), split_part(h, '|', 3), oc, oc, oc
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::text[], $8::int[], $9::text[], $10::text[],
                   $11::text[], $12::text[], $13::text[], $14::timestamp[], $15::text[], $16::text[], $17::int[], $18::text[])
            AS u(d, s, p, dc, ex, ti, tv, tm, th, tl, ch, so, at, oc, ip, ua, cs, h)`,
      cols.map((c, i) =>
        i === 13 ? (c as Date[]).map((d) => d.toISOString().replace('T', ' ').replace('Z', '')) : c
      )
    );
    await db.query(
      `INSERT INTO consent_subjects (document_id, subject, chain_seq, chain_head, last_decision_at, created_at, updated_at, published_at)
       SELECT 'x' || substr(s, 2), s, n, h, now(), now(), now(), now() FROM unnest($1::text[], $2::int[], $3::text[]) AS u(s, n, h)`,
      heads
    );
    if ((to / (BATCH / perClient)) % 25 === 0)
      console.log(`  seeded ${to} clients, ${events} events (${fmt(ms(started) / 1000)} s)`);
  }
  await db.query(`VACUUM (ANALYZE) consent_events, consent_subjects`);
  await db.end();
  return { events, seedSeconds: round(ms(started) / 1000, 1) };
};

/** Peak RSS over a phase, sampled every 20 ms (resourceUsage().maxRSS is the lifetime peak: the boot's included). */
const sampled = async <T>(
  fn: () => Promise<T>
): Promise<{ result: T; seconds: number; peakRssMb: number }> => {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = process.hrtime.bigint();
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, seconds: ms(started) / 1000, peakRssMb: round(peak / 1048576, 1) };
  } finally {
    clearInterval(timer);
  }
};

/** The child: idle RSS, the plain read, the verify. */
const child = async () => {
  const app = await bootApp(SCHEMA);
  const strapi = app.strapi;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((r) => setTimeout(r, 2000));
  const idleRssMb = round(process.memoryUsage().rss / 1048576, 1);

  const knex = strapi.db.connection;
  const baseline = await sampled(async () => {
    let rows = 0;
    let after: string | null = null;
    for (;;) {
      const page = knex('consent_subjects')
        .select('subject', 'chain_seq', 'chain_head')
        .orderBy('subject')
        .limit(500);
      if (after !== null) page.where('subject', '>', after);
      const subjects = (await page) as { subject: string }[];
      if (subjects.length === 0) break;
      after = subjects[subjects.length - 1].subject;
      rows += (
        (await knex('consent_events')
          .select('*')
          .whereIn(
            'subject',
            subjects.map((s) => s.subject)
          )) as unknown[]
      ).length;
    }
    return rows;
  });
  gc?.();
  const verify = await sampled(() => strapi.plugin('consent').service('proof-verify').verify());
  await app.stop();
  process.stdout.write(`\nRESULT ${JSON.stringify({ idleRssMb, baseline, verify })}\n`);
};

const main = async () => {
  if (flag('child')) return child();
  const clients = Number(arg('clients') ?? 250_000);
  const perClient = Number(arg('events') ?? 4);
  if (BATCH % perClient !== 0) throw new Error('--events must divide 10000');
  await prepareDemoApp({ compile: !flag('no-compile') });

  console.log(`seeding ${clients} clients x ${perClient} chained events into ${SCHEMA}`);
  await resetSchema(SCHEMA);
  const app = await bootApp(SCHEMA);
  const seeded = await seed(app.strapi, clients, perClient);
  const checkpoint = await app.strapi.plugin('consent').service('checkpoints').seal();
  console.log(
    `  ${seeded.events} events in ${seeded.seedSeconds} s; checkpoint ${checkpoint?.seq} sealed ${checkpoint?.leafCount} heads`
  );
  await app.stop();

  console.log('verifying in a fresh process');
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--expose-gc', '-r', path.join(ROOT, 'bench', 'register.js'), __filename, '--child'],
      { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'inherit'] }
    );
    let text = '';
    p.stdout.on('data', (c) => (text += c));
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`child exited ${code}`))
    );
  });
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no result from the child:\n${out}`);
  const { idleRssMb, baseline, verify } = JSON.parse(line.slice(7));
  const report = verify.result;
  if (!report.ok || report.events < seeded.events)
    throw new Error(`verify did not pass: ${JSON.stringify(report)}`);

  const figures = {
    settings: {
      clients,
      eventsPerClient: perClient,
      database: 'postgres',
      app: path.relative(ROOT, APP_DIR),
    },
    seed: seeded,
    idleRssMb,
    baseline: {
      rows: baseline.result,
      seconds: round(baseline.seconds, 2),
      rowsPerSecond: Math.round(baseline.result / baseline.seconds),
      peakRssMb: baseline.peakRssMb,
    },
    verify: {
      events: report.events,
      subjects: report.subjects,
      checkpoints: report.checkpoints,
      seconds: round(verify.seconds, 2),
      eventsPerSecond: Math.round(report.events / verify.seconds),
      peakRssMb: verify.peakRssMb,
    },
    ratios: {
      verifyVsPlainRead: round(verify.seconds / baseline.seconds, 2),
      peakRssVsIdle: round(verify.peakRssMb / idleRssMb, 2),
    },
  };
  console.log(`\n| | seconds | rows/s | peak RSS (MB) |\n|---|---|---|---|`);
  console.log(`| idle Strapi | | | ${idleRssMb} |`);
  console.log(
    `| plain read of the same pages | ${fmt(baseline.seconds, 1)} | ${figures.baseline.rowsPerSecond} | ${baseline.peakRssMb} |`
  );
  console.log(
    `| verify (hash, digest, links, leaves, root) | ${fmt(verify.seconds, 1)} | ${figures.verify.eventsPerSecond} | ${verify.peakRssMb} |`
  );
  console.log(
    `verify / plain read: ${figures.ratios.verifyVsPlainRead}x time; peak RSS ${figures.ratios.peakRssVsIdle}x idle`
  );
  writeResults('verify-latest.json', figures);
  if (!flag('keep')) await dropSchema(SCHEMA);
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
