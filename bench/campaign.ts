/**
 * The campaign benchmark (issue 4): a consent campaign to 100,000 clients on
 * PostgreSQL. How long does queueing it take, and how fast does the plugin send
 * it to an SMTP server, against raw nodemailer sending the same number of mails
 * to the same server with the same pool?
 *
 *   node -r ./bench/register.js bench/campaign.ts [--clients 100000] [--rounds 3] [--pool 5] [--batch 100]
 *        [--lease 300] [--window <batch>] [--warmup 2000] [--diag 10000] [--cpu-prof]
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
 * renderer, a token per mail), in the order AB, BA, AB, ... Before each plugin
 * round the queue tables (requests, link tokens, campaigns) are emptied, so
 * every round queues the same campaign onto the same database. After the send
 * the round checks that the sink got exactly N mails to N distinct recipients,
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
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { Session } from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import { arg, bootApp, connect, dropSchema, flag, ms, quantile, resetSchema, round, type Db } from './lib';
import { clientDocumentIdSql } from './seed';

const ROOT = path.resolve(__dirname, '..');
const APP_DIR = path.join(ROOT, 'playground');
const RESULTS = path.join(__dirname, 'results');
const PROFILES = path.join(RESULTS, 'profiles');
const SCHEMA = 'consent_bench_campaign';
const TARGET = { enqueueMs: 3000, ratio: 0.8 };


// ---------------------------------------------------------------------------
// Child: the SMTP sink.
// ---------------------------------------------------------------------------

interface SinkStats {
  messages: number;
  recipients: number;
  distinctRecipients: number;
  /** Recipients seen more than once since the last reset. */
  duplicates: number;
  bytes: number;
  connections: number;
  /** Recipients not ending in the expected suffix (a stray mail). */
  unexpected: number;
  cpuMs: number;
}

const runSink = async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SMTPServer } = require('smtp-server');
  let seen = new Set<string>();
  let stats = { messages: 0, recipients: 0, duplicates: 0, bytes: 0, connections: 0, unexpected: 0 };
  let suffix = '@example.com';
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    banner: 'consent bench sink',
    onConnect(_session: unknown, callback: () => void) {
      stats.connections += 1;
      callback();
    },
    onData(stream: NodeJS.ReadableStream, session: { envelope: { rcptTo: { address: string }[] } }, callback: (e?: Error) => void) {
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      stream.on('end', () => {
        stats.messages += 1;
        stats.bytes += bytes;
        for (const { address } of session.envelope.rcptTo) {
          stats.recipients += 1;
          const key = address.toLowerCase();
          if (!key.endsWith(suffix)) stats.unexpected += 1;
          if (seen.has(key)) stats.duplicates += 1;
          else seen.add(key);
        }
        callback();
      });
    },
  });
  server.on('error', (error: Error) => console.error(`[sink] ${error.message}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  process.on('message', (message: { cmd: string; suffix?: string }) => {
    if (message.cmd === 'reset') {
      seen = new Set();
      stats = { messages: 0, recipients: 0, duplicates: 0, bytes: 0, connections: 0, unexpected: 0 };
      suffix = message.suffix ?? '@example.com';
      process.send?.({ type: 'reset' });
    } else if (message.cmd === 'stats') {
      const cpu = process.cpuUsage();
      const result: SinkStats = { ...stats, distinctRecipients: seen.size, cpuMs: (cpu.user + cpu.system) / 1000 };
      process.send?.({ type: 'stats', result });
    } else if (message.cmd === 'stop') {
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 2000).unref();
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', port });
};

interface Sink {
  child: ChildProcess;
  port: number;
  reset: (suffix: string) => Promise<void>;
  stats: () => Promise<SinkStats>;
  stop: () => Promise<void>;
}

const startSink = (): Promise<Sink> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', path.join(__dirname, 'register.js'), __filename, '--sink'], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: process.env,
    });
    child.once('exit', (code) => reject(new Error(`the SMTP sink exited with ${code}`)));
    const request = <T>(cmd: Record<string, unknown>, reply: string) =>
      new Promise<T>((ok) => {
        const on = (m: { type: string; result?: unknown }) => {
          if (m.type !== reply) return;
          child.off('message', on);
          ok(m.result as T);
        };
        child.on('message', on);
        child.send(cmd);
      });
    child.once('message', (m: { type: string; port: number }) => {
      if (m.type !== 'ready') return reject(new Error(`unexpected message from the sink: ${JSON.stringify(m)}`));
      child.removeAllListeners('exit');
      resolve({
        child,
        port: m.port,
        reset: (suffix) => request<void>({ cmd: 'reset', suffix }, 'reset'),
        stats: () => request<SinkStats>({ cmd: 'stats' }, 'stats'),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.once('exit', () => {
              clearTimeout(timer);
              done();
            });
            child.send({ cmd: 'stop' });
          }),
      });
    });
  });

// ---------------------------------------------------------------------------
// CPU: this process, the sink, the PostgreSQL backends of the app's pool.
// ---------------------------------------------------------------------------

const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** utime + stime of a process in ms (ticks of 10 ms, USER_HZ 100), or null when it is gone. */
const procCpuMs = (pid: number): number | null => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
};

/**
 * CPU time of the PostgreSQL backends serving the app's knex pool (their pids
 * are the pg clients' processID), sampled every 250 ms so a connection the pool
 * closes or opens meanwhile is still counted. Other engineers' tests on the
 * same server are not counted; PostgreSQL's background writers are not either.
 */
const postgresTracker = (strapi: Core.Strapi) => {
  const pool = strapi.db.connection.client.pool as { used?: { resource: { processID?: number } }[]; free?: { resource: { processID?: number } }[] };
  const pids = () =>
    [...(pool?.used ?? []), ...(pool?.free ?? [])].map((r) => r.resource?.processID).filter((pid): pid is number => typeof pid === 'number');
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  let started = false;
  const sample = () => {
    for (const pid of pids()) {
      const cpu = procCpuMs(pid);
      if (cpu === null) continue;
      // A backend first seen after the start was opened meanwhile: all its time counts.
      if (!first.has(pid)) first.set(pid, started ? 0 : cpu);
      last.set(pid, cpu);
    }
  };
  sample();
  started = true;
  const timer = setInterval(sample, 250);
  return () => {
    clearInterval(timer);
    sample();
    let total = 0;
    for (const [pid, cpu] of last) total += cpu - (first.get(pid) ?? 0);
    return total;
  };
};

/** Share of the machine's CPU time that was busy (all cores), from /proc/stat; NaN without it. */
const machineBusy = () => {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { idle: cpu[3] + (cpu[4] ?? 0), total: cpu.reduce((a, b) => a + b, 0) };
  } catch {
    return { idle: Number.NaN, total: Number.NaN };
  }
};

interface CpuSnapshot {
  self: number;
  sink: number;
  machine: { idle: number; total: number };
}
const snapshot = async (sink: Sink): Promise<CpuSnapshot> => ({ self: selfCpuMs(), sink: (await sink.stats()).cpuMs, machine: machineBusy() });
const cpuPerMail = (a: CpuSnapshot, b: CpuSnapshot, mails: number, postgresMs = 0) => ({
  senderMs: round((b.self - a.self) / mails, 4),
  sinkMs: round((b.sink - a.sink) / mails, 4),
  postgresMs: round(postgresMs / mails, 4),
  machineBusy: round(1 - (b.machine.idle - a.machine.idle) / (b.machine.total - a.machine.total), 3),
});

// ---------------------------------------------------------------------------
// Seeding: N clients, distinct emails, no consent at all.
// ---------------------------------------------------------------------------

const seedClients = async (db: Db, n: number) => {
  const t = process.hrtime.bigint();
  await db.query('BEGIN');
  // The demo's 50 clients (some without valid consent, some without an email) would join
  // the audience: without them, the audience is exactly the bench clients.
  await db.query('DELETE FROM bookings');
  await db.query('DELETE FROM clients');
  const now = new Date().toISOString();
  const inserted = await db.query(
    `INSERT INTO clients (document_id, name, email, phone, language, created_at, updated_at, published_at)
     SELECT ${clientDocumentIdSql('i')}, 'Bench Client ' || i, 'bench.client.' || i || '@example.com',
            '+45 ' || lpad(i::text, 8, '0'), (ARRAY['da', 'sv', 'en'])[1 + i % 3], $1::timestamp, $1::timestamp, $1::timestamp
     FROM generate_series(1, $2::int) i
     ORDER BY i`,
    [now, n]
  );
  await db.query('COMMIT');
  await db.query('VACUUM (ANALYZE) clients');
  return { clients: inserted.rowCount ?? 0, ms: round(ms(t), 1) };
};

/** Empty the queue tables: every plugin round enqueues the same campaign onto the same database. */
const resetQueue = async (db: Db) => {
  await db.query('TRUNCATE consent_requests, consent_tokens, consent_campaigns RESTART IDENTITY');
  await db.query('VACUUM (ANALYZE) consent_requests, consent_tokens, consent_campaigns');
};

// ---------------------------------------------------------------------------
// The plugin: enqueue through the admin API, send with the worker.
// ---------------------------------------------------------------------------

type App = Awaited<ReturnType<typeof bootApp>>;

interface Sender {
  /** How the sending is driven. */
  via: string;
  run: () => Promise<number>;
}

/** worker.drain() as the tests use it: passes of the worker (its `concurrency` batches in flight) until nothing is due. */
const drainSender = (strapi: Core.Strapi): Sender => ({
  via: 'worker.drain()',
  run: async () => (await strapi.plugin('consent').service('worker').drain()).sent,
});

interface Enqueued {
  ms: number;
  status: number;
  campaign: string;
  total: number;
  queued: number;
  body: unknown;
}

const enqueue = async (app: App, token: string, name: string): Promise<Enqueued> => {
  const t = process.hrtime.bigint();
  const res = await app
    .http()
    .post('/consent/campaigns')
    .set('authorization', `Bearer ${token}`)
    .send({ name, audience: { consent: 'invalid' } });
  const elapsed = ms(t);
  const data = res.body?.data ?? {};
  return {
    ms: round(elapsed, 1),
    status: res.status,
    campaign: data.documentId,
    total: Number(data.total),
    queued: Number(data.counts?.queued),
    body: res.status === 201 ? undefined : res.body,
  };
};

interface Checks {
  ok: boolean;
  problems: string[];
}

const checkPlugin = async (db: Db, sink: SinkStats, n: number, campaign: string): Promise<Checks & { rows: Record<string, number> }> => {
  const problems: string[] = [];
  const rows = Object.fromEntries(
    (await db.query(`SELECT status, count(*)::int AS n FROM consent_requests WHERE campaign = $1 GROUP BY status`, [campaign])).rows.map(
      (r) => [r.status, r.n]
    )
  ) as Record<string, number>;
  if ((rows.sent ?? 0) !== n || Object.keys(rows).length !== 1) problems.push(`request rows by status: ${JSON.stringify(rows)} (want ${n} sent)`);
  const leased = Number((await db.query(`SELECT count(*) AS n FROM consent_requests WHERE lease_owner IS NOT NULL`)).rows[0].n);
  if (leased) problems.push(`${leased} rows still leased`);
  const tokens = Number((await db.query(`SELECT count(*) AS n FROM consent_tokens`)).rows[0].n);
  if (tokens !== n) problems.push(`${tokens} link tokens (want ${n})`);
  const status = (await db.query(`SELECT status FROM consent_campaigns WHERE document_id = $1`, [campaign])).rows[0]?.status;
  if (status !== 'completed') problems.push(`campaign status ${status} (want completed)`);
  problems.push(...checkSink(sink, n));
  return { ok: problems.length === 0, problems, rows };
};

const checkSink = (sink: SinkStats, n: number): string[] => {
  const problems: string[] = [];
  if (sink.messages !== n) problems.push(`sink got ${sink.messages} mails (want ${n})`);
  if (sink.distinctRecipients !== n) problems.push(`sink got ${sink.distinctRecipients} distinct recipients (want ${n})`);
  if (sink.duplicates) problems.push(`sink got ${sink.duplicates} recipients twice`);
  if (sink.unexpected) problems.push(`sink got ${sink.unexpected} mails to unexpected recipients`);
  return problems;
};

/** Time of every claim and settle (about 2 per 100 mails: no measurable cost), to see them grow with the queue. */
const batchTimer = (strapi: Core.Strapi) => {
  const consent = strapi.plugin('consent');
  const times: Record<'claim' | 'settle' | 'send', number[]> = { claim: [], settle: [], send: [] };
  const undo: (() => void)[] = [];
  for (const [service, method, key] of [
    ['queue', 'claim', 'claim'],
    ['sender', 'settle', 'settle'],
    ['sender', 'send', 'send'],
  ] as const) {
    const target = consent.service(service) as Record<string, AnyFn>;
    const original = target[method];
    target[method] = async function timed(this: unknown, ...args: unknown[]) {
      const t = process.hrtime.bigint();
      try {
        return await original.apply(this, args);
      } finally {
        times[key].push(ms(t));
      }
    };
    undo.push(() => {
      target[method] = original;
    });
  }
  const describe = (values: number[]) => {
    const tenth = Math.max(1, Math.floor(values.length / 10));
    const mean = (v: number[]) => round(v.reduce((a, b) => a + b, 0) / Math.max(v.length, 1), 2);
    return {
      count: values.length,
      p50: round(quantile(values, 0.5), 2),
      p95: round(quantile(values, 0.95), 2),
      firstTenthMean: mean(values.slice(0, tenth)),
      lastTenthMean: mean(values.slice(-tenth)),
      totalMs: round(values.reduce((a, b) => a + b, 0), 0),
    };
  };
  return {
    result: () => ({ claim: describe(times.claim), send: describe(times.send), settle: describe(times.settle) }),
    undo: () => undo.forEach((f) => f()),
  };
};

/**
 * The claim's plan with the queue full: the UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP
 * LOCKED) RETURNING * that queue.claim() sends, captured from knex and run again under
 * EXPLAIN ANALYZE in a transaction that is rolled back.
 */
const explainClaim = async (strapi: Core.Strapi, db: Db, batch: number) => {
  const captured: { sql: string; bindings: unknown[] }[] = [];
  const listener = (q: { sql: string; bindings: unknown[] }) => {
    if (/^update "consent_requests" set "lease_owner"/i.test(q.sql)) captured.push(q);
  };
  const knexClient = strapi.db.connection.client;
  knexClient.on('query', listener);
  const now = new Date();
  const t = process.hrtime.bigint();
  try {
    await strapi.plugin('consent').service('queue').claim('send', 'bench-explain', batch, now, new Date(now.getTime() + 60_000));
  } finally {
    knexClient.off('query', listener);
  }
  const claimMs = round(ms(t), 2);
  if (!captured[0]) return { claimMs, sql: null, plan: null };
  await db.query('BEGIN');
  try {
    const plan = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${captured[0].sql}`, captured[0].bindings);
    return { claimMs, sql: normalise(captured[0].sql), plan: plan.rows.map((r) => r['QUERY PLAN'] as string) };
  } finally {
    await db.query('ROLLBACK');
  }
};

interface PluginRound {
  round: number;
  /** Round 1: the claim's plan with the second campaign's N rows queued. */
  claimPlan?: Awaited<ReturnType<typeof explainClaim>>;
  /** What-if rounds: the time of the step run between the enqueue and the send (e.g. ANALYZE). */
  afterEnqueueMs?: number;
  /** ms per batch: claim (the UPDATE ... RETURNING), send (prelude, render, SMTP and settle), settle. */
  batches: ReturnType<ReturnType<typeof batchTimer>['result']>;
  enqueue: Enqueued;
  /** CPU of the whole enqueue, in ms (not per mail): this process, the sink, the PostgreSQL backends. */
  enqueueCpu: ReturnType<typeof cpuPerMail>;
  sent: number;
  seconds: number;
  mailsPerSecond: number;
  cpu: ReturnType<typeof cpuPerMail>;
  bytesPerMail: number;
  connections: number;
  checks: Checks & { rows: Record<string, number> };
  /** A second campaign while the first one's requests are still open (they are all superseded). */
  reEnqueue: { ms: number; total: number; superseded: number } | null;
}

const batchSize = async (strapi: Core.Strapi): Promise<number> =>
  (strapi.plugin('consent').service('config').get() as { worker: { batchSize: number } }).worker.batchSize;

const pluginRound = async (
  app: App,
  db: Db,
  sink: Sink,
  sender: Sender,
  token: string,
  n: number,
  roundNo: number,
  reEnqueue: boolean,
  options: { afterEnqueue?: () => Promise<void> } = {}
): Promise<PluginRound> => {
  await resetQueue(db);
  await sink.reset('@example.com');
  const c0 = await snapshot(sink);
  const pgEnqueue = postgresTracker(app.strapi);
  const queued = await enqueue(app, token, `Bench campaign round ${roundNo}`);
  const pgEnqueueMs = pgEnqueue();
  const c1 = await snapshot(sink);
  if (queued.status !== 201) throw new Error(`POST /consent/campaigns: ${queued.status} ${JSON.stringify(queued.body)}`);
  const ta = process.hrtime.bigint();
  await options.afterEnqueue?.();
  const afterEnqueueMs = options.afterEnqueue ? round(ms(ta), 1) : undefined;
  const timer = batchTimer(app.strapi);
  const c1s = await snapshot(sink);
  const pgSend = postgresTracker(app.strapi);
  const t = process.hrtime.bigint();
  let sent: number;
  try {
    sent = await sender.run();
  } finally {
    timer.undo();
  }
  const seconds = ms(t) / 1000;
  const pgSendMs = pgSend();
  const c2 = await snapshot(sink);
  const got = await sink.stats();
  const checks = await checkPlugin(db, got, n, queued.campaign);

  let again: PluginRound['reEnqueue'] = null;
  if (reEnqueue) {
    const second = await enqueue(app, token, `Bench campaign round ${roundNo} again`);
    if (second.status !== 201) throw new Error(`second POST /consent/campaigns: ${second.status} ${JSON.stringify(second.body)}`);
    const superseded = Number(
      (await db.query(`SELECT count(*) AS n FROM consent_requests WHERE campaign = $1 AND status = 'cancelled'`, [queued.campaign])).rows[0].n
    );
    again = { ms: second.ms, total: second.total, superseded };
  }
  const claimPlan = reEnqueue && roundNo === 1 ? await explainClaim(app.strapi, db, await batchSize(app.strapi)) : undefined;
  return {
    round: roundNo,
    batches: timer.result(),
    claimPlan,
    afterEnqueueMs,
    enqueue: queued,
    enqueueCpu: cpuPerMail(c0, c1, 1, pgEnqueueMs),
    sent,
    seconds: round(seconds, 2),
    mailsPerSecond: round(sent / seconds, 1),
    cpu: cpuPerMail(c1s, c2, Math.max(sent, 1), pgSendMs),
    bytesPerMail: Math.round(got.bytes / Math.max(got.messages, 1)),
    connections: got.connections,
    checks,
    reEnqueue: again,
  };
};

// ---------------------------------------------------------------------------
// The baseline: raw nodemailer, pooled, the provider's own options.
// ---------------------------------------------------------------------------

interface Mail {
  from?: string;
  replyTo?: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
  messageId: string;
}
interface Transport {
  sendMail(mail: Mail): Promise<unknown>;
  close(): void;
}

/** nodemailer as @strapi/provider-email-nodemailer resolves it. */
const providerNodemailer = (): { createTransport: (options: unknown) => Transport; version: string } => {
  const providerDir = path.dirname(require.resolve('@strapi/provider-email-nodemailer/package.json'));
  const main = require.resolve('nodemailer', { paths: [providerDir] });
  const pkg = require.resolve('nodemailer/package.json', { paths: [providerDir] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { ...require(main), version: require(pkg).version };
};

const TOKEN_PLACEHOLDER = 'T'.repeat(43);

/**
 * Messages like the plugin's: its own renderer (sender.render) on the demo's
 * purposes, texts and settings, one per locale, with a placeholder where the
 * link token goes; every mail gets its own token string (cheap, not random:
 * the baseline should cost what nodemailer costs) and its own recipient.
 */
const makeRawMessages = async (strapi: Core.Strapi) => {
  const consent = strapi.plugin('consent');
  const settings = await consent.service('settings').get();
  const purposes = await consent.service('purposes').list();
  const email = strapi.config.get('plugin::email') as { settings?: { defaultFrom?: string; defaultReplyTo?: string } };
  const locales = ['da', 'sv', 'en'];
  const templates = await Promise.all(
    locales.map(async (locale) => {
      const current = await consent.service('texts').current(locale);
      const row = { id: 0, documentId: 'raw', subject: 'raw', kind: 'consent', purposeKeys: null, campaign: 'raw', attempts: 1 };
      const contact = { email: 'x@example.com', phone: null, name: 'Bench Client 54321', language: locale };
      const message = consent
        .service('sender')
        .render(row, 'send', locale, contact, settings, current, purposes, TOKEN_PLACEHOLDER, new Date(Date.now() + 7 * 86_400_000)) as {
        subject: string;
        text: string;
        html: string;
        headers: Record<string, string>;
      };
      return {
        subject: message.subject,
        text: message.text.split(TOKEN_PLACEHOLDER),
        html: message.html.split(TOKEN_PLACEHOLDER),
        headers: Object.entries(message.headers).map(([k, v]) => [k, v.split(TOKEN_PLACEHOLDER)] as const),
      };
    })
  );
  const from = settings.sender.from ?? email.settings?.defaultFrom;
  const replyTo = settings.sender.replyTo ?? email.settings?.defaultReplyTo;
  return (roundNo: number, i: number): Mail => {
    const t = templates[i % templates.length];
    const token = `${roundNo}x${i}`.padEnd(43, 'A');
    return {
      from,
      replyTo,
      to: `raw.${roundNo}.${i}@example.com`,
      subject: t.subject,
      text: t.text.join(token),
      html: t.html.join(token),
      headers: Object.fromEntries(t.headers.map(([k, v]) => [k, v.join(token)])),
      messageId: `<raw.${roundNo}.${i}.send.1@localhost>`,
    };
  };
};

interface RawRound {
  round: number;
  sent: number;
  seconds: number;
  mailsPerSecond: number;
  cpu: ReturnType<typeof cpuPerMail>;
  bytesPerMail: number;
  connections: number;
  checks: Checks;
}

/** N mails through one pooled transport, `window` in flight (refilled as each is accepted). */
const rawSend = (transport: Transport, mail: (i: number) => Mail, n: number, window: number) =>
  new Promise<number>((resolve, reject) => {
    let next = 0;
    let done = 0;
    let failed: Error | null = null;
    const pump = () => {
      while (!failed && next < n && next - done < window) {
        const i = next++;
        transport.sendMail(mail(i)).then(
          () => {
            done += 1;
            if (done === n) resolve(done);
            else pump();
          },
          (error: Error) => {
            failed ??= error;
            reject(error);
          }
        );
      }
    };
    if (n === 0) resolve(0);
    else pump();
  });

const rawRound = async (
  transport: Transport,
  sink: Sink,
  mail: (roundNo: number, i: number) => Mail,
  n: number,
  roundNo: number,
  window: number
): Promise<RawRound> => {
  await sink.reset('@example.com');
  const c0 = await snapshot(sink);
  const t = process.hrtime.bigint();
  const sent = await rawSend(transport, (i) => mail(roundNo, i), n, window);
  const seconds = ms(t) / 1000;
  const c1 = await snapshot(sink);
  const got = await sink.stats();
  const problems = checkSink(got, n);
  return {
    round: roundNo,
    sent,
    seconds: round(seconds, 2),
    mailsPerSecond: round(sent / seconds, 1),
    cpu: cpuPerMail(c0, c1, Math.max(sent, 1)),
    bytesPerMail: Math.round(got.bytes / Math.max(got.messages, 1)),
    connections: got.connections,
    checks: { ok: problems.length === 0, problems },
  };
};

// ---------------------------------------------------------------------------
// Diagnostics: SQL per mail, time per phase of a batch, CPU profiles.
// ---------------------------------------------------------------------------

const normalise = (sql: string) => sql.replace(/\s+/g, ' ').replace(/\$\d+/g, '?').replace(/(\?, )+\?/g, '?, ...').slice(0, 150);

type AnyFn = (...args: unknown[]) => unknown;

/** Wrap service methods to time them; returns the measures and an undo. */
const instrument = (strapi: Core.Strapi) => {
  const consent = strapi.plugin('consent');
  const calls: Record<string, { count: number; ms: number }> = {};
  const undo: (() => void)[] = [];
  const batches: { claimMs: number; preludeMs: number; fanoutMs: number; settleMs: number; renderMs: number; rows: number }[] = [];
  let current: (typeof batches)[number] | null = null;
  let sendStart = 0n;
  let firstRender = 0n;
  let settleStart = 0n;

  const wrap = (service: string, method: string, hooks: { before?: () => void; after?: (elapsed: number) => void } = {}) => {
    const target = consent.service(service) as Record<string, AnyFn>;
    const original = target[method];
    const key = `${service}.${method}`;
    calls[key] = { count: 0, ms: 0 };
    target[method] = function timed(this: unknown, ...args: unknown[]) {
      const t = process.hrtime.bigint();
      hooks.before?.();
      calls[key].count += 1;
      const done = (value: unknown) => {
        const elapsed = ms(t);
        calls[key].ms += elapsed;
        hooks.after?.(elapsed);
        return value;
      };
      const result = original.apply(this, args);
      return result instanceof Promise ? result.then(done) : done(result);
    };
    undo.push(() => {
      target[method] = original;
    });
  };

  wrap('queue', 'claim', {
    before: () => {
      current = { claimMs: 0, preludeMs: 0, fanoutMs: 0, settleMs: 0, renderMs: 0, rows: 0 };
    },
    after: (elapsed) => {
      if (current) current.claimMs = elapsed;
    },
  });
  wrap('sender', 'send', {
    before: () => {
      sendStart = process.hrtime.bigint();
      firstRender = 0n;
    },
    after: () => {
      if (current) {
        current.preludeMs = Number(firstRender - sendStart) / 1e6;
        current.fanoutMs = Number(settleStart - firstRender) / 1e6;
        batches.push(current);
      }
      current = null;
    },
  });
  wrap('sender', 'render', {
    before: () => {
      if (!firstRender) firstRender = process.hrtime.bigint();
      if (current) current.rows += 1;
    },
    after: (elapsed) => {
      if (current) current.renderMs += elapsed;
    },
  });
  wrap('sender', 'settle', {
    before: () => {
      settleStart = process.hrtime.bigint();
    },
    after: (elapsed) => {
      if (current) current.settleMs = elapsed;
    },
  });
  for (const [service, method] of [
    ['settings', 'get'],
    ['settings', 'cached'],
    ['subjects', 'contacts'],
    ['tokens', 'issue'],
    ['texts', 'current'],
    ['purposes', 'list'],
    ['delivery', 'send'],
    ['campaigns', 'campaignsWithoutReminder'],
    ['sender', 'campaignsWithoutReminder'],
  ] as const) {
    const target = consent.service(service) as Record<string, unknown>;
    if (typeof target?.[method] === 'function') wrap(service, method);
  }

  const statements = new Map<string, number>();
  const listener = (q: { sql: string }) => statements.set(normalise(q.sql), (statements.get(normalise(q.sql)) ?? 0) + 1);
  const knexClient = strapi.db.connection.client;
  knexClient.on('query', listener);
  undo.push(() => knexClient.off('query', listener));

  return {
    result: (mails: number) => {
      const sum = (k: keyof (typeof batches)[number]) => batches.reduce((s, b) => s + b[k], 0);
      const perBatch = (k: keyof (typeof batches)[number]) => round(sum(k) / Math.max(batches.length, 1), 2);
      const totalStatements = [...statements.values()].reduce((a, b) => a + b, 0);
      return {
        mails,
        batches: batches.length,
        phaseMsPerBatch: {
          claim: perBatch('claimMs'),
          prelude: perBatch('preludeMs'),
          renderAndSmtp: perBatch('fanoutMs'),
          settle: perBatch('settleMs'),
          renderCpuInside: perBatch('renderMs'),
        },
        callsPerMail: Object.fromEntries(
          Object.entries(calls)
            .filter(([, c]) => c.count > 0)
            .map(([k, c]) => [k, { perMail: round(c.count / mails, 3), msPerCall: round(c.ms / c.count, 3) }])
        ),
        statementsPerMail: round(totalStatements / mails, 2),
        statements: [...statements]
          .map(([sql, count]) => ({ sql, perMail: round(count / mails, 3) }))
          .sort((a, b) => b.perMail - a.perMail)
          .slice(0, 25),
      };
    },
    undo: () => undo.forEach((f) => f()),
  };
};

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Self time by function and by package/area, from a V8 CPU profile. */
const summariseProfile = (profile: CpuProfile) => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const area = (url: string, fn: string) => {
    if (!url) return fn === '(garbage collector)' ? 'GC' : fn === '(idle)' ? 'idle' : fn === '(program)' ? 'V8/native' : `native ${fn}`;
    if (url.includes('/dist/server/')) return 'consent plugin';
    const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)(?!.*node_modules)/);
    if (m) return m[1];
    if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/')[0];
    return path.relative(ROOT, url.replace(/^file:\/\//, ''));
  };
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const a = area(url, functionName);
    const f = `${functionName || '(anonymous)'} ${url ? `${a === 'consent plugin' ? 'plugin' : a}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(f, (byFunction.get(f) ?? 0) + us);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }
  const top = (map: Map<string, number>, k: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, us]) => ({ name, ms: round(us / 1000, 1), share: round(us / total, 3) }));
  return { sampledMs: round(total / 1000, 1), byArea: top(byArea, 15), byFunction: top(byFunction, 25) };
};

const profiled = async <T>(file: string, work: () => Promise<T>) => {
  const { Session } = await import('node:inspector');
  const session: Session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  let result: T;
  try {
    result = await work();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: CpuProfile };
    session.disconnect();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    (profiled as unknown as { last: CpuProfile }).last = profile;
  }
  return { result, profile: (profiled as unknown as { last: CpuProfile }).last };
};

const diagnose = async (
  app: App,
  db: Db,
  sink: Sink,
  sender: Sender,
  transport: Transport,
  mail: (r: number, i: number) => Mail,
  n: number,
  { cpuProf, window }: { cpuProf: boolean; window: number }
) => {
  const { strapi } = app;
  await resetQueue(db);
  await sink.reset('@example.com');
  const subjects = (await db.query(`SELECT document_id FROM clients ORDER BY id LIMIT $1`, [n])).rows.map((r) => r.document_id as string);
  await strapi.plugin('consent').service('campaigns').create({ name: 'Bench diagnostics', audience: { subjects } });
  // One batch at a time, so the phases of a batch do not interleave with another's.
  const worker = (strapi.plugin('consent').service('config').get() as { worker: { concurrency?: number } }).worker;
  const concurrency = worker.concurrency;
  worker.concurrency = 1;
  const probe = instrument(strapi);
  let plugin;
  let pluginProfile = null;
  const t = process.hrtime.bigint();
  try {
    if (cpuProf) {
      const out = await profiled(path.join(PROFILES, 'campaign-plugin.cpuprofile'), () => sender.run());
      pluginProfile = summariseProfile(out.profile);
    } else await sender.run();
  } finally {
    plugin = probe.result(n);
    probe.undo();
    worker.concurrency = concurrency;
  }
  const seconds = ms(t) / 1000;
  const got = await sink.stats();
  const problems = checkSink(got, n);
  let rawProfile = null;
  let rawSeconds = null;
  if (cpuProf) {
    await sink.reset('@example.com');
    const tr = process.hrtime.bigint();
    const out = await profiled(path.join(PROFILES, 'campaign-raw.cpuprofile'), () => rawSend(transport, (i) => mail(999, i), n, window));
    rawSeconds = round(ms(tr) / 1000, 2);
    rawProfile = summariseProfile(out.profile);
  }
  return {
    ...plugin,
    seconds: round(seconds, 2),
    note: `one batch at a time (worker.concurrency 1), ${cpuProf ? 'under the profiler and with counters: slower than the measured rounds' : 'with counters'}`,
    problems,
    profiles: cpuProf ? { plugin: pluginProfile, raw: rawProfile, rawSeconds } : null,
  };
};

// ---------------------------------------------------------------------------
// What if: the plugin with the per-mail reads removed, patched in memory for a
// separate, labelled measurement. Nothing here changes server/ code.
// ---------------------------------------------------------------------------

const WHAT_IF: Record<string, string> = {
  analyze: 'ANALYZE consent_requests right after the campaign is queued (the statistics predate the campaign otherwise: autovacuum is off here)',
  reads:
      'the per-mail reads removed, in memory: settings.get() answered from memory for 5 s (delivery.send reads the core store once per mail); ' +
    'texts.current(locale) answered from memory for 5 s (sender.send reads it once per mail: its check-then-await inside Promise.all races); ' +
    'Intl.DateTimeFormat instances reused (render.ts formatDate builds one per mail)',
  index: 'an index on consent_requests (status, held, next_attempt_at, id), so the claim reads its 100 rows in order instead of sorting every queued row',
  conc: 'worker.concurrency set to N (concN) for the round: batches in flight at once in the instance',
  batch: 'worker.batchSize set to N (batchN) for the round: fewer per-batch round trips and barriers per mail',
};
const describeWhatIf = (key: string) =>
  key.startsWith('batch')
    ? WHAT_IF.batch.replace('N (batchN)', key.slice(5))
    : key.startsWith('conc')
      ? WHAT_IF.conc.replace('N (concN)', key.slice(4))
      : WHAT_IF[key];
const DEFAULT_WHAT_IF = 'analyze;analyze+reads;analyze+reads+index;analyze+reads+index+conc3;analyze+reads+index+batch500';

const applyWhatIf = (strapi: Core.Strapi) => {
  const consent = strapi.plugin('consent');
  const undo: (() => void)[] = [];
  const memo = (service: string, method: string, keyOf: (args: unknown[]) => string, ttlMs: number) => {
    const target = consent.service(service) as Record<string, AnyFn>;
    const original = target[method];
    const cache = new Map<string, { at: number; value: unknown }>();
    target[method] = function memoised(this: unknown, ...args: unknown[]) {
      const key = keyOf(args);
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < ttlMs) return hit.value;
      const value = original.apply(this, args);
      cache.set(key, { at: Date.now(), value });
      return value;
    };
    undo.push(() => {
      target[method] = original;
    });
  };
  memo('settings', 'get', () => '', 5000);
  memo('texts', 'current', (args) => String(args[0]), 5000);
  const Original = Intl.DateTimeFormat;
  const formats = new Map<string, Intl.DateTimeFormat>();
  Intl.DateTimeFormat = new Proxy(Original, {
    construct(target, args) {
      const key = JSON.stringify(args);
      let format = formats.get(key);
      if (!format) formats.set(key, (format = Reflect.construct(target, args) as Intl.DateTimeFormat));
      return format;
    },
  });
  undo.push(() => {
    Intl.DateTimeFormat = Original;
  });
  return () => undo.reverse().forEach((f) => f());
};

// ---------------------------------------------------------------------------
// Main.
// ---------------------------------------------------------------------------

const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '-');
const stats = (values: number[]) => ({
  median: round(quantile(values, 0.5), 3),
  min: round(Math.min(...values), 3),
  max: round(Math.max(...values), 3),
});

/** Which plugin code ran: the commit, the files under server/ that differ from it, the build's time. */
const codeVersion = () => {
  const git = (args: string[]) => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (require('node:child_process') as typeof import('node:child_process')).execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  };
  const built = path.join(ROOT, 'dist', 'server', 'index.js');
  return {
    commit: git(['rev-parse', '--short', 'HEAD']),
    serverChanges: (git(['status', '--porcelain', '--', 'server', 'content-types']) ?? '').split('\n').filter(Boolean),
    built: fs.existsSync(built) ? fs.statSync(built).mtime.toISOString() : null,
  };
};

const main = async () => {
  if (flag('sink')) return runSink();

  const settings = {
    clients: Number(arg('clients') ?? 100_000),
    rounds: Number(arg('rounds') ?? 3),
    pool: Number(arg('pool') ?? 5),
    batch: Number(arg('batch') ?? 100),
    lease: Number(arg('lease') ?? 300),
    window: Number(arg('window') ?? arg('batch') ?? 100),
    warmup: Number(arg('warmup') ?? 2000),
    diag: Number(arg('diag') ?? 10_000),
    cpuProf: flag('cpu-prof'),
    reEnqueue: !flag('no-re-enqueue'),
    concurrency: arg('concurrency'),
    whatIf: (arg('what-if') ?? DEFAULT_WHAT_IF)
      .split(';')
      .filter((c) => c && c !== 'none')
      .map((c) => c.split('+')),
  };

  for (const key of settings.whatIf.flat()) {
    if (!WHAT_IF[key] && !/^(batch|conc)\d+$/.test(key)) {
      throw new Error(`--what-if takes combinations like "analyze;analyze+reads" of ${Object.keys(WHAT_IF).join(', ')} (batchN), or none; not "${key}"`);
    }
  }
  if (!flag('no-compile')) {
    const t = process.hrtime.bigint();
    process.env.STRAPI_TELEMETRY_DISABLED = 'true';
    const { compileStrapi } = await import('@strapi/strapi');
    await compileStrapi({ appDir: APP_DIR });
    console.log(`compiled the demo app in ${(ms(t) / 1000).toFixed(1)} s`);
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'server', 'index.js'))) throw new Error('The plugin is not built: run `npm run build` first');
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

  let app: App | null = null;
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
    console.log(`PostgreSQL ${pgSettings.server_version}: autovacuum ${pgSettings.autovacuum}, work_mem ${pgSettings.work_mem} kB, synchronous_commit ${pgSettings.synchronous_commit}`);

    const emailConfig = strapi.config.get('plugin::email') as { provider: string; providerOptions: Record<string, unknown> };
    const options = emailConfig.providerOptions ?? {};
    if (emailConfig.provider !== 'nodemailer' || Number(options.port) !== sink.port) {
      throw new Error(
        `the demo app's email provider does not point at the sink (provider ${emailConfig.provider}, port ${String(options.port)}): ` +
          'playground/config/plugins.ts must configure nodemailer from SMTP_HOST / SMTP_PORT / SMTP_POOL'
      );
    }
    const noDelay = typeof options.getSocket === 'function';
    if (!noDelay) console.warn('WARNING: the provider has no getSocket: its sockets keep Nagle on (~22 mails/s per connection)');
    if (Number(options.maxConnections) !== settings.pool || options.pool !== true) {
      throw new Error(`the provider is not pooled with ${settings.pool} connections: ${JSON.stringify({ pool: options.pool, max: options.maxConnections })}`);
    }

    const seeded = await seedClients(db, settings.clients);
    console.log(`seeded ${seeded.clients} clients (distinct emails, no consent) in ${(seeded.ms / 1000).toFixed(1)} s`);

    const nodemailer = providerNodemailer();
    // The provider's own options (pool, maxConnections, getSocket: the same function), in a transport of its own.
    transport = nodemailer.createTransport({ ...options });
    const mail = await makeRawMessages(strapi);
    const token = await app.adminToken();

    // Warm-up (not measured): JIT, both pools' connections, PostgreSQL caches. It also finds
    // out whether worker.drain() sends with the background loop off.
    const consent = strapi.plugin('consent');
    const workerConfig = (consent.service('config').get() as { worker: { batchSize: number; concurrency?: number } }).worker;
    const sender = drainSender(strapi);
    if (settings.warmup > 0) {
      await resetQueue(db);
      const subjects = (await db.query(`SELECT document_id FROM clients ORDER BY id DESC LIMIT $1`, [settings.warmup])).rows.map((r) => r.document_id);
      await consent.service('campaigns').create({ name: 'Bench warm-up', audience: { subjects } });
      const drained = await sender.run();
      const left = Number((await db.query(`SELECT count(*) AS n FROM consent_requests WHERE status = 'queued'`)).rows[0].n);
      if (left > 0) throw new Error(`worker.drain() sent ${drained} and left ${left} requests queued with CONSENT_WORKER=false`);
      await rawSend(transport, (i) => mail(0, i), settings.warmup, settings.window);
      console.log(`warm-up: ${settings.warmup} mails through the plugin and ${settings.warmup} raw`);
    }
    console.log(
      `sending with ${sender.via}: batch ${workerConfig.batchSize}, worker concurrency ${workerConfig.concurrency ?? '(none: one batch at a time)'}; ` +
        `pool ${settings.pool} connections; raw window ${settings.window}`
    );

    const plugin: PluginRound[] = [];
    const raw: RawRound[] = [];
    for (let r = 1; r <= settings.rounds; r += 1) {
      const order = r % 2 === 1 ? ['raw', 'plugin'] : ['plugin', 'raw'];
      for (const which of order) {
        if (which === 'plugin') {
          const p = await pluginRound(app, db, sink, sender, token, settings.clients, r, settings.reEnqueue);
          plugin.push(p);
          console.log(
            `round ${r} plugin: enqueue ${fmt(p.enqueue.ms, 0)} ms (${p.enqueue.total} queued), sent ${p.sent} in ${fmt(p.seconds, 1)} s = ` +
              `${fmt(p.mailsPerSecond)} mails/s; CPU per mail: sender ${fmt(p.cpu.senderMs, 3)} ms, PostgreSQL ${fmt(p.cpu.postgresMs, 3)} ms, ` +
              `sink ${fmt(p.cpu.sinkMs, 3)} ms; machine busy ${fmt(p.cpu.machineBusy * 100, 0)} %; ${p.checks.ok ? 'checks OK' : `CHECKS FAILED: ${p.checks.problems.join('; ')}`}` +
              (p.reEnqueue ? `; re-enqueue over the open campaign ${fmt(p.reEnqueue.ms, 0)} ms (${p.reEnqueue.superseded} superseded)` : '')
          );
        } else {
          const q = await rawRound(transport, sink, mail, settings.clients, r, settings.window);
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
    const whatIf: { stage: string; changes: string[]; plugin: PluginRound; raw: RawRound; ratio: number }[] = [];
    for (let w = 0; w < settings.whatIf.length; w += 1) {
      const combo = settings.whatIf[w];
      const undo: (() => Promise<void> | void)[] = [];
      let p: PluginRound;
      try {
        if (combo.includes('reads')) undo.push(applyWhatIf(strapi));
        if (combo.includes('index')) {
          await db.query(`CREATE INDEX bench_claim_order_idx ON consent_requests (status, held, next_attempt_at, id)`);
          undo.push(() => db!.query('DROP INDEX IF EXISTS bench_claim_order_idx').then(() => undefined));
        }
        const batch = combo.find((k) => k.startsWith('batch'));
        if (batch) {
          const before = workerConfig.batchSize;
          workerConfig.batchSize = Number(batch.slice(5));
          undo.push(() => {
            workerConfig.batchSize = before;
          });
        }
        const afterEnqueue = combo.includes('analyze') ? () => db!.query('ANALYZE consent_requests').then(() => undefined) : undefined;
        const conc = combo.find((k) => k.startsWith('conc'));
        if (conc) {
          const before = workerConfig.concurrency;
          workerConfig.concurrency = Number(conc.slice(4));
          undo.push(() => {
            workerConfig.concurrency = before;
          });
        }
        p = await pluginRound(app, db, sink, sender, token, settings.clients, 100 + w, false, { afterEnqueue });
      } finally {
        for (const f of undo.reverse()) await f();
      }
      const q = await rawRound(transport, sink, mail, settings.clients, 100 + w, settings.window);
      const entry = { stage: combo.join('+'), changes: combo.map(describeWhatIf), plugin: p, raw: q, ratio: round(p.mailsPerSecond / q.mailsPerSecond, 3) };
      whatIf.push(entry);
      console.log(
        `what-if ${entry.stage}: enqueue ${fmt(p.enqueue.ms, 0)} ms${p.afterEnqueueMs !== undefined ? ` (+ ANALYZE ${fmt(p.afterEnqueueMs, 0)} ms)` : ''}, plugin ${fmt(p.mailsPerSecond)} mails/s (CPU per mail: sender ${fmt(p.cpu.senderMs, 3)} ms, ` +
          `PostgreSQL ${fmt(p.cpu.postgresMs, 3)} ms; claim p50 ${fmt(p.batches.claim.p50, 2)} ms, settle p50 ${fmt(p.batches.settle.p50, 2)} ms), ` +
          `raw ${fmt(q.mailsPerSecond)} mails/s, ratio ${fmt(entry.ratio, 3)}; ` +
          `${p.checks.ok && q.checks.ok ? 'checks OK' : `CHECKS FAILED: ${[...p.checks.problems, ...q.checks.problems].join('; ')}`}`
      );
    }

    const diagnostics = settings.diag > 0 ? await diagnose(app, db, sink, sender, transport, mail, Math.min(settings.diag, settings.clients), settings) : null;

    const perRound = plugin.map((p, i) => ({ round: p.round, ratio: round(p.mailsPerSecond / raw[i].mailsPerSecond, 3) }));
    const summary = {
      enqueueMs: stats(plugin.map((p) => p.enqueue.ms)),
      queued: plugin.map((p) => p.enqueue.total),
      pluginMailsPerSecond: stats(plugin.map((p) => p.mailsPerSecond)),
      rawMailsPerSecond: stats(raw.map((p) => p.mailsPerSecond)),
      ratio: stats(perRound.map((p) => p.ratio)),
      reEnqueueMs: settings.reEnqueue ? stats(plugin.map((p) => p.reEnqueue?.ms ?? NaN)) : null,
      cpuPerMail: {
        plugin: {
          senderMs: stats(plugin.map((p) => p.cpu.senderMs)).median,
          postgresMs: stats(plugin.map((p) => p.cpu.postgresMs)).median,
          sinkMs: stats(plugin.map((p) => p.cpu.sinkMs)).median,
        },
        raw: {
          senderMs: stats(raw.map((p) => p.cpu.senderMs)).median,
          postgresMs: stats(raw.map((p) => p.cpu.postgresMs)).median,
          sinkMs: stats(raw.map((p) => p.cpu.sinkMs)).median,
        },
      },
      bytesPerMail: { plugin: plugin[0]?.bytesPerMail, raw: raw[0]?.bytesPerMail },
      pool: settings.pool,
      noDelaySockets: noDelay,
      checksOk: plugin.every((p) => p.checks.ok) && raw.every((p) => p.checks.ok),
    };
    const pass = {
      enqueue: summary.enqueueMs.median <= TARGET.enqueueMs && summary.queued.every((q) => q === settings.clients),
      throughput: summary.ratio.median >= TARGET.ratio,
    };

    console.log(
      `\nCampaign to ${settings.clients.toLocaleString('en')} clients, PostgreSQL, production mode, ${settings.rounds} rounds (raw/plugin alternating), ` +
        `pool ${settings.pool} connections${noDelay ? ' with no-delay sockets' : ''}, batch ${workerConfig.batchSize}, worker concurrency ${workerConfig.concurrency ?? 1}, ${os.cpus().length} CPUs`
    );
    const line = (label: string, s: { median: number; min: number; max: number }, d = 1, extra = '') =>
      console.log(`${label.padEnd(34)}${fmt(s.median, d).padStart(10)}   (${fmt(s.min, d)} - ${fmt(s.max, d)})${extra}`);
    console.log(`${''.padEnd(34)}${'median'.padStart(10)}   (min - max)`);
    line('enqueue (ms)', summary.enqueueMs, 0, `   target <= ${TARGET.enqueueMs}: ${pass.enqueue ? 'PASS' : 'FAIL'}`);
    console.log(`${'queued'.padEnd(34)}${summary.queued.join(', ').padStart(10)}`);
    line('plugin (mails/s)', summary.pluginMailsPerSecond);
    line('raw nodemailer (mails/s)', summary.rawMailsPerSecond);
    line('ratio plugin / raw (per round)', summary.ratio, 3, `   target >= ${TARGET.ratio}: ${pass.throughput ? 'PASS' : 'FAIL'}`);
    if (summary.reEnqueueMs) line('re-enqueue over an open campaign', summary.reEnqueueMs, 0, '   (supersedes N open requests; not a target)');
    console.log(
      `CPU per mail, plugin: sender ${fmt(summary.cpuPerMail.plugin.senderMs, 3)} ms, PostgreSQL ${fmt(summary.cpuPerMail.plugin.postgresMs, 3)} ms, ` +
        `sink ${fmt(summary.cpuPerMail.plugin.sinkMs, 3)} ms; raw: sender ${fmt(summary.cpuPerMail.raw.senderMs, 3)} ms, sink ${fmt(summary.cpuPerMail.raw.sinkMs, 3)} ms`
    );
    console.log(`bytes per mail at the sink: plugin ${summary.bytesPerMail.plugin}, raw ${summary.bytesPerMail.raw}`);
    console.log(`checks (N mails, N distinct recipients, every row sent): ${summary.checksOk ? 'OK' : 'FAILED'}`);
    const b = plugin[0]?.batches;
    if (b) {
      console.log(
        `per batch of ${settings.batch}, round 1 (ms): claim p50 ${fmt(b.claim.p50, 2)} / p95 ${fmt(b.claim.p95, 2)} ` +
          `(first tenth ${fmt(b.claim.firstTenthMean, 2)}, last tenth ${fmt(b.claim.lastTenthMean, 2)}), send+settle p50 ${fmt(b.send.p50, 1)}, settle p50 ${fmt(b.settle.p50, 2)}`
      );
    }
    const plan = plugin[0]?.claimPlan;
    if (plan?.plan) {
      console.log(`claim with ${settings.clients} rows queued (and ${settings.clients} cancelled): ${plan.claimMs} ms; plan:`);
      for (const l of plan.plan) console.log(`  ${l}`);
    }
    if (whatIf.length) {
      console.log('what-if (cumulative; patched in memory / in the bench schema, not the plugin as shipped):');
      for (const w of whatIf) {
        console.log(`  ${w.stage.padEnd(40)} plugin ${fmt(w.plugin.mailsPerSecond).padStart(7)} mails/s, raw ${fmt(w.raw.mailsPerSecond).padStart(7)}, ratio ${fmt(w.ratio, 3)}, enqueue ${fmt(w.plugin.enqueue.ms, 0)} ms`);
      }
    }

    if (diagnostics) {
      const d = diagnostics;
      console.log(`\nDiagnostics, ${d.mails} mails (${d.note}): ${d.seconds} s, ${d.batches} batches, ${d.statementsPerMail} SQL statements per mail`);
      console.log(`  per batch (ms): ${Object.entries(d.phaseMsPerBatch).map(([k, v]) => `${k} ${fmt(v, 2)}`).join(', ')}`);
      console.log('  service calls per mail (ms per call):');
      for (const [k, v] of Object.entries(d.callsPerMail)) console.log(`    ${fmt(v.perMail, 3).padStart(7)}  ${k} (${fmt(v.msPerCall, 3)} ms)`);
      console.log('  SQL statements per mail:');
      for (const s of d.statements.slice(0, 15)) console.log(`    ${fmt(s.perMail, 3).padStart(7)}  ${s.sql}`);
      if (d.profiles) {
        for (const [name, p] of [
          ['plugin', d.profiles.plugin],
          ['raw', d.profiles.raw],
        ] as const) {
          if (!p) continue;
          console.log(`  CPU profile, ${name} (${p.sampledMs} ms sampled), self time by area:`);
          for (const a of p.byArea.slice(0, 10)) console.log(`    ${fmt(a.share * 100, 1).padStart(5)} %  ${a.name}`);
          console.log(`  top functions (${name}):`);
          for (const f of p.byFunction.slice(0, 12)) console.log(`    ${fmt(f.share * 100, 1).padStart(5)} %  ${f.name}`);
        }
      }
      if (d.problems.length) console.log(`  diagnostic run problems: ${d.problems.join('; ')}`);
    }

    const out = path.join(RESULTS, 'campaign-latest.json');
    fs.writeFileSync(
      out,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          node: process.version,
          cpus: os.cpus().length,
          nodemailer: nodemailer.version,
          settings: { ...settings, database: 'postgres', mode: process.env.BENCH_NODE_ENV ?? 'production', via: sender.via, worker: { ...workerConfig } },
          code,
          target: TARGET,
          pass,
          summary,
          perRound,
          plugin: plugin.map(({ enqueue: e, ...rest }) => ({ ...rest, enqueue: { ms: e.ms, total: e.total, queued: e.queued } })),
          raw,
          whatIf: whatIf.length
            ? whatIf.map((w) => ({ ...w, plugin: { ...w.plugin, enqueue: { ms: w.plugin.enqueue.ms, total: w.plugin.enqueue.total } } }))
            : null,
          postgres: pgSettings,
          seeded,
          diagnostics,
        },
        null,
        2
      )
    );
    console.log(`\nwritten ${path.relative(ROOT, out)}`);
  } finally {
    transport?.close();
    await db?.end();
    await app?.stop().catch((error) => console.error(error));
    await sink.stop();
    if (!flag('keep')) await dropSchema(SCHEMA);
  }
};

main().then(
  () => {
    if (!flag('sink')) process.exit(process.exitCode ?? 0);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
