/**
 * The booking benchmark: what recording consent with every booking costs.
 *
 *   node -r ./bench/register.js bench/bookings.ts [--rounds 6] [--requests 1000] [--concurrency 10]
 *        [--warmup 1000] [--segment-warmup 100] [--returning 0] [--serial 500] [--count 20]
 *        [--no-compile] [--keep] [--cpu-prof]
 *
 * Two variants of the same demo app, each in a child process of its own, in
 * production mode, on a PostgreSQL schema of its own (dropped and created again):
 *   - baseline: CONSENT_ENABLED=false, the app without the plugin; the request
 *     bodies carry no `data.consent` (Strapi would reject it as an unknown field);
 *   - consent:  the plugin enabled (the demo's requirement 'warn'), every request
 *     carries `data.consent` (storage given, marketing refused, the versions shown).
 * Request i carries the same data in both variants (email, name, date, service).
 *
 * The load comes from this (parent) process: a keep-alive HTTP client with a
 * fixed number of requests in flight (10), POST /api/bookings as a public
 * booking front-end sends it. After an unmeasured warm-up of each server, the
 * measured segments alternate A B, B A, A B, ... Every segment is the same
 * number of bookings, so both databases grow alike (the demo matches clients by
 * email with a scan, which gets slower as `clients` grows) and the back-to-back
 * pairs cancel slow drift. Figures: pooled over all segments, per round, and the
 * median of the per-round ratios (the machine is shared: one bad segment should
 * not decide). Also the CPU time per booking of the server process and of all
 * PostgreSQL processes (/proc), which does not depend on queueing.
 *
 * Then one booking at a time (no contention) in alternating chunks, and the SQL
 * statements per booking (knex 'query' events in the server) with the socket
 * writes to PostgreSQL.
 *
 * Output: the table, the ratios (consent / baseline for latency and CPU, baseline
 * / consent for throughput), PASS/FAIL against 1.15x, bench/results/bookings-latest.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { Session } from 'node:inspector';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { arg, bootApp, dropSchema, flag, ms, PG, quantile, resetSchema, round } from './lib';

const ROOT = path.resolve(__dirname, '..');
const APP_DIR = path.join(ROOT, 'playground');
const RESULTS = path.join(__dirname, 'results');
const TARGET = 1.15;

type Variant = 'baseline' | 'consent';
const VARIANTS: Variant[] = ['baseline', 'consent'];
const SCHEMA: Record<Variant, string> = {
  baseline: 'consent_bench_booking_baseline',
  consent: 'consent_bench_booking_consent',
};


// ---------------------------------------------------------------------------
// Child: one Strapi serving HTTP; on request: its CPU time, SQL counts, a profile.
// ---------------------------------------------------------------------------

interface QueryCount {
  bookings: number;
  total: number;
  /** Socket writes (each one a system call) and bytes sent to PostgreSQL. */
  socketWrites: { db: number; dbBytes: number };
  statements: { sql: string; count: number }[];
}

const normalise = (sql: string) => sql.replace(/\s+/g, ' ').replace(/\$\d+/g, '?').slice(0, 140);

const runServer = async (variant: Variant) => {
  process.env.CONSENT_ENABLED = variant === 'consent' ? 'true' : 'false';
  const app = await bootApp(SCHEMA[variant]);
  const { strapi } = app;
  const server = strapi.server.httpServer;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  let counting = false;
  const writes = { db: 0, dbBytes: 0 };
  const socket = net.Socket.prototype as unknown as Record<string, (this: net.Socket, ...args: unknown[]) => unknown>;
  for (const method of ['_write', '_writev']) {
    const original = socket[method];
    socket[method] = function countWrite(this: net.Socket, ...args: unknown[]) {
      if (counting && this.remotePort === PG.port) {
        const data = args[0] as Buffer | { chunk: Buffer }[];
        writes.db += 1;
        writes.dbBytes += Array.isArray(data) ? data.reduce((n, c) => n + (c.chunk?.length ?? 0), 0) : (data?.length ?? 0);
      }
      return original.apply(this, args);
    };
  }
  const counted = new Map<string, number>();
  const listener = (q: { sql: string }) => counted.set(normalise(q.sql), (counted.get(normalise(q.sql)) ?? 0) + 1);
  const knexClient = strapi.db.connection.client;

  let profiler: Session | null = null;
  const inspect = (session: Session, method: string) =>
    new Promise((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result))));

  process.on('message', async (message: { cmd: string; bookings?: number; file?: string }) => {
    if (message.cmd === 'cpu') {
      const usage = process.cpuUsage();
      process.send?.({ type: 'cpu', result: usage.user + usage.system });
    } else if (message.cmd === 'count-start') {
      counted.clear();
      writes.db = writes.dbBytes = 0;
      counting = true;
      knexClient.on('query', listener);
      process.send?.({ type: 'counting' });
    } else if (message.cmd === 'count-stop') {
      knexClient.off('query', listener);
      counting = false;
      const statements = [...counted].map(([sql, count]) => ({ sql, count })).sort((a, b) => b.count - a.count);
      const result: QueryCount = {
        bookings: message.bookings ?? 0,
        total: statements.reduce((sum, q) => sum + q.count, 0),
        socketWrites: { ...writes },
        statements,
      };
      process.send?.({ type: 'counted', result });
    } else if (message.cmd === 'profile-start') {
      profiler ??= new (await import('node:inspector')).Session();
      profiler.connect();
      await inspect(profiler, 'Profiler.enable');
      await inspect(profiler, 'Profiler.start');
      process.send?.({ type: 'profiling' });
    } else if (message.cmd === 'profile-stop') {
      const { profile } = (await inspect(profiler as Session, 'Profiler.stop')) as { profile: unknown };
      (profiler as Session).disconnect();
      fs.mkdirSync(path.dirname(message.file as string), { recursive: true });
      fs.writeFileSync(message.file as string, JSON.stringify(profile));
      process.send?.({ type: 'profiled', result: message.file });
    } else if (message.cmd === 'stop') {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await app.stop();
      process.exit(0);
    }
  });
  process.send?.({ type: 'ready', port, plugin: Boolean(strapi.plugins.consent) });
};

// ---------------------------------------------------------------------------
// Parent: both servers, the load, the table.
// ---------------------------------------------------------------------------

interface Server {
  variant: Variant;
  child: ChildProcess;
  port: number;
  request: <T>(cmd: Record<string, unknown>, reply: string) => Promise<T>;
}

const startServer = (variant: Variant): Promise<Server> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', path.join(__dirname, 'register.js'), __filename, '--server', variant], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, STRAPI_TELEMETRY_DISABLED: 'true', NODE_NO_WARNINGS: '1', BENCH_NODE_ENV: 'production' },
    });
    const onExit = (code: number | null) => reject(new Error(`the ${variant} server exited with ${code} before it was ready`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.once('message', (message: { type: string; port: number; plugin: boolean }) => {
      child.off('exit', onExit);
      if (message.type !== 'ready') return reject(new Error(`unexpected message ${JSON.stringify(message)}`));
      if (message.plugin !== (variant === 'consent')) return reject(new Error(`the ${variant} server has plugin=${message.plugin}`));
      resolve({
        variant,
        child,
        port: message.port,
        request: <T>(cmd: Record<string, unknown>, reply: string) =>
          new Promise<T>((ok) => {
            const on = (m: { type: string; result?: T }) => {
              if (m.type !== reply) return;
              child.off('message', on);
              ok(m.result as T);
            };
            child.on('message', on);
            child.send(cmd);
          }),
      });
    });
  });

const stopServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 15000);
    server.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    server.child.send({ cmd: 'stop' });
  });

const cpuOf = async (server: Server): Promise<number> => (await server.request<number>({ cmd: 'cpu' }, 'cpu')) / 1000;

/**
 * CPU time (ms, user + system) of every PostgreSQL process of this machine, from
 * /proc: the database's share of a booking (only one variant runs at a time).
 * NaN without /proc.
 */
const postgresCpuMs = (): number => {
  try {
    let total = 0;
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
        const fields = stat.slice(close + 2).split(' ');
        total += (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in ticks of 10 ms (USER_HZ 100)
      } catch {
        // the process ended meanwhile
      }
    }
    return total;
  } catch {
    return Number.NaN;
  }
};

/** The booking a front-end sends for request number i; the baseline gets no `consent`. */
const SERVICES = ['Haircut', 'Colour', 'Beard trim', 'Manicure', 'Massage'];
const LANGUAGES = ['da', 'sv', 'en'] as const;
const bodyFor = (variant: Variant, i: number, run: string): string => {
  const language = LANGUAGES[i % 3];
  const data: Record<string, unknown> = {
    startsAt: new Date(Date.UTC(2027, 0, 1) + (i % 5000) * 30 * 60 * 1000).toISOString(),
    service: SERVICES[i % SERVICES.length],
    contact: { name: `Bench Client ${i}`, email: `bench.${run}.${i}@example.com`, language },
  };
  if (variant === 'consent') {
    data.consent = { locale: language, given: ['storage'], refused: ['marketing'], versions: { storage: '2.1', marketing: '1.0' } };
  }
  return JSON.stringify({ data });
};

function mulberry32(seedValue: number) {
  return () => {
    let t = (seedValue += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The request bodies of one variant, in order: a new client per booking (unique
 * email), or with --returning f, that share of the bookings by a client who
 * booked before (same email: matched, not created; with the plugin, their
 * consent states are updated). Deterministic, so both variants get the same sequence.
 */
const makeLoad = (variant: Variant, run: string, returning: number) => {
  let created = 0;
  const rand = mulberry32(42);
  return () => {
    const reuse = created > 0 && rand() < returning;
    const i = reuse ? 1 + Math.floor(rand() * created) : ++created;
    return bodyFor(variant, i, run);
  };
};
type Load = ReturnType<typeof makeLoad>;

const post = (agent: http.Agent, port: number, body: string): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/bookings',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'BookingPage/2.0 (bench)' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      }
    );
    req.on('error', reject);
    req.end(body);
  });

/**
 * `total` bookings with `concurrency` requests in flight: a closed loop, each of
 * the `concurrency` workers sends its next request when its last one is answered.
 * Every response must be a 201.
 */
const drive = async (server: Server, load: Load, total: number, concurrency: number) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let sent = 0;
  let failure: string | null = null;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (sent < total && !failure) {
      sent += 1;
      const body = load();
      const t = process.hrtime.bigint();
      const res = await post(agent, server.port, body);
      if (res.status !== 201) failure ??= `${server.variant}: ${res.status} ${res.text.slice(0, 300)}`;
      latencies.push(ms(t));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = ms(started) / 1000;
  agent.destroy();
  if (failure) throw new Error(`a booking failed: ${failure}`);
  return { latencies, seconds };
};

interface Segment {
  variant: Variant;
  round: number;
  bookings: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** CPU time (user + system) of the server process per booking. */
  serverCpuMs: number;
  /** CPU time of all PostgreSQL processes per booking. */
  postgresCpuMs: number;
  latencies: number[];
}

const measure = async (server: Server, load: Load, roundNo: number, bookings: number, concurrency: number): Promise<Segment> => {
  const [cpu, pg] = [await cpuOf(server), postgresCpuMs()];
  const { latencies, seconds } = await drive(server, load, bookings, concurrency);
  const [cpuAfter, pgAfter] = [await cpuOf(server), postgresCpuMs()];
  return {
    variant: server.variant,
    round: roundNo,
    bookings,
    seconds: round2(seconds),
    rps: round(bookings / seconds, 1),
    p50: round2(quantile(latencies, 0.5)),
    p95: round2(quantile(latencies, 0.95)),
    p99: round2(quantile(latencies, 0.99)),
    serverCpuMs: round((cpuAfter - cpu) / bookings, 3),
    postgresCpuMs: round((pgAfter - pg) / bookings, 3),
    latencies,
  };
};
const round2 = (value: number) => round(value, 2);

/** One booking at a time (no queueing, no contention), in chunks alternating between the variants. */
const serial = async (servers: Record<Variant, Server>, loads: Record<Variant, Load>, total: number, chunk = 25) => {
  const acc = Object.fromEntries(VARIANTS.map((v) => [v, { latencies: [] as number[], cpuMs: 0 }])) as Record<
    Variant,
    { latencies: number[]; cpuMs: number }
  >;
  const agents = Object.fromEntries(VARIANTS.map((v) => [v, new http.Agent({ keepAlive: true, maxSockets: 1 })])) as Record<
    Variant,
    http.Agent
  >;
  for (let done = 0; done < total; done += chunk) {
    for (const variant of done % (2 * chunk) === 0 ? VARIANTS : [...VARIANTS].reverse()) {
      const server = servers[variant];
      const before = await cpuOf(server);
      for (let i = 0; i < chunk; i += 1) {
        const t = process.hrtime.bigint();
        const res = await post(agents[variant], server.port, loads[variant]());
        if (res.status !== 201) throw new Error(`${variant}: ${res.status} ${res.text}`);
        acc[variant].latencies.push(ms(t));
      }
      acc[variant].cpuMs += (await cpuOf(server)) - before;
    }
  }
  for (const agent of Object.values(agents)) agent.destroy();
  const of = (v: Variant) => ({
    bookings: acc[v].latencies.length,
    p50: round2(quantile(acc[v].latencies, 0.5)),
    p95: round2(quantile(acc[v].latencies, 0.95)),
    serverCpuMs: round(acc[v].cpuMs / acc[v].latencies.length, 3),
  });
  return { baseline: of('baseline'), consent: of('consent') };
};

const countQueries = async (server: Server, load: Load, bookings: number): Promise<QueryCount> => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  await server.request({ cmd: 'count-start' }, 'counting');
  for (let i = 0; i < bookings; i += 1) {
    const res = await post(agent, server.port, load());
    if (res.status !== 201) throw new Error(`${server.variant}: ${res.status} ${res.text}`);
  }
  agent.destroy();
  return server.request<QueryCount>({ cmd: 'count-stop', bookings }, 'counted');
};

const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '-');
const median = (values: number[]) => round(quantile(values, 0.5), 3);

const main = async () => {
  const serverVariant = arg('server');
  if (serverVariant) return runServer(serverVariant as Variant);

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

  if (!flag('no-compile')) {
    const t = process.hrtime.bigint();
    process.env.STRAPI_TELEMETRY_DISABLED = 'true';
    const { compileStrapi } = await import('@strapi/strapi');
    await compileStrapi({ appDir: APP_DIR });
    console.log(`compiled the demo app in ${(ms(t) / 1000).toFixed(1)} s`);
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'server', 'index.js'))) {
    throw new Error('The plugin is not built: run `npm run build` first');
  }
  fs.mkdirSync(RESULTS, { recursive: true });

  const servers = {} as Record<Variant, Server>;
  const loads = {} as Record<Variant, Load>;
  try {
    for (const variant of VARIANTS) {
      const t = process.hrtime.bigint();
      await resetSchema(SCHEMA[variant]);
      servers[variant] = await startServer(variant);
      loads[variant] = makeLoad(variant, run, settings.returning);
      console.log(`${variant}: booted on schema ${SCHEMA[variant]} in ${(ms(t) / 1000).toFixed(1)} s`);
    }
    // JIT, connection pools, PostgreSQL caches: the same bookings on both, not measured.
    for (const variant of VARIANTS) await drive(servers[variant], loads[variant], settings.warmup, settings.concurrency);

    const segments: Segment[] = [];
    for (let r = 1; r <= settings.rounds; r += 1) {
      for (const variant of r % 2 === 1 ? VARIANTS : [...VARIANTS].reverse()) {
        if (settings.segmentWarmup > 0) await drive(servers[variant], loads[variant], settings.segmentWarmup, settings.concurrency);
        const s = await measure(servers[variant], loads[variant], r, settings.requests, settings.concurrency);
        segments.push(s);
        console.log(
          `round ${r} ${variant.padEnd(8)}: ${s.bookings} bookings in ${fmt(s.seconds)} s, ${fmt(s.rps)} req/s, p50 ${fmt(s.p50)} ms, ` +
            `p95 ${fmt(s.p95)} ms; CPU per booking: server ${fmt(s.serverCpuMs, 2)} ms, PostgreSQL ${fmt(s.postgresCpuMs, 2)} ms`
        );
      }
    }

    if (flag('cpu-prof')) {
      // Not part of the figures: the profiler slows the server down.
      for (const variant of VARIANTS) {
        const file = path.join(RESULTS, 'profiles', `bookings-${variant}.cpuprofile`);
        await servers[variant].request({ cmd: 'profile-start' }, 'profiling');
        await drive(servers[variant], loads[variant], settings.requests, settings.concurrency);
        await servers[variant].request({ cmd: 'profile-stop', file }, 'profiled');
        console.log(`profiled ${variant}: ${settings.requests} bookings -> ${path.relative(ROOT, file)}`);
      }
    }

    const oneAtATime = settings.serial > 0 ? await serial(servers, loads, settings.serial) : null;
    const counts = {} as Record<Variant, QueryCount>;
    for (const variant of VARIANTS) counts[variant] = await countQueries(servers[variant], loads[variant], settings.count);

    const pooled = (variant: Variant) => {
      const mine = segments.filter((s) => s.variant === variant);
      const all = mine.flatMap((s) => s.latencies);
      const seconds = mine.reduce((sum, s) => sum + s.seconds, 0);
      const perBooking = (n: number) => round(n / counts[variant].bookings, 2);
      return {
        bookings: all.length,
        seconds: round2(seconds),
        rps: round(all.length / seconds, 1),
        p50: round2(quantile(all, 0.5)),
        p95: round2(quantile(all, 0.95)),
        p99: round2(quantile(all, 0.99)),
        serverCpuMs: round(mine.reduce((sum, s) => sum + s.serverCpuMs, 0) / mine.length, 3),
        postgresCpuMs: round(mine.reduce((sum, s) => sum + s.postgresCpuMs, 0) / mine.length, 3),
        statements: perBooking(counts[variant].total),
        socketWrites: perBooking(counts[variant].socketWrites.db),
        bytesToPostgres: Math.round(counts[variant].socketWrites.dbBytes / counts[variant].bookings),
      };
    };
    const summary = { baseline: pooled('baseline'), consent: pooled('consent') };
    const ratio = (c: number, b: number) => round(c / b, 3);
    const ratios = {
      medianLatency: ratio(summary.consent.p50, summary.baseline.p50),
      p95Latency: ratio(summary.consent.p95, summary.baseline.p95),
      throughput: ratio(summary.baseline.rps, summary.consent.rps),
      serverCpu: ratio(summary.consent.serverCpuMs, summary.baseline.serverCpuMs),
      postgresCpu: ratio(summary.consent.postgresCpuMs, summary.baseline.postgresCpuMs),
    };
    const perRound = Array.from({ length: settings.rounds }, (_, i) => {
      const b = segments.find((s) => s.round === i + 1 && s.variant === 'baseline') as Segment;
      const c = segments.find((s) => s.round === i + 1 && s.variant === 'consent') as Segment;
      return {
        round: i + 1,
        medianLatency: ratio(c.p50, b.p50),
        throughput: ratio(b.rps, c.rps),
        serverCpu: ratio(c.serverCpuMs, b.serverCpuMs),
        postgresCpu: ratio(c.postgresCpuMs, b.postgresCpuMs),
      };
    });
    const medianOfRounds = {
      medianLatency: median(perRound.map((p) => p.medianLatency)),
      throughput: median(perRound.map((p) => p.throughput)),
      serverCpu: median(perRound.map((p) => p.serverCpu)),
      postgresCpu: median(perRound.map((p) => p.postgresCpu)),
    };

    const w = [40, 11, 11, 9];
    const line = (label: string, b: number, c: number, r?: number, d = 1) =>
      console.log(
        `${label.padEnd(w[0])}${fmt(b, d).padStart(w[1])}${fmt(c, d).padStart(w[2])}${(r === undefined ? '' : `${r.toFixed(3)}x`).padStart(w[3] + 1)}`
      );
    const { baseline: B, consent: C } = summary;
    console.log(
      `\nPOST /api/bookings, PostgreSQL 15, production mode, ${settings.concurrency} in flight, ${settings.rounds} rounds x ` +
        `${settings.requests} bookings per variant (AB BA ...), ` +
        (settings.returning > 0 ? `${Math.round(settings.returning * 100)} % by returning clients` : 'a new client per booking') +
        `, ${os.cpus().length} CPUs`
    );
    console.log(`${''.padEnd(w[0])}${'baseline'.padStart(w[1])}${'consent'.padStart(w[2])}${'ratio'.padStart(w[3] + 1)}`);
    line('bookings measured', B.bookings, C.bookings, undefined, 0);
    line('throughput (req/s)', B.rps, C.rps, ratios.throughput);
    line('median latency (ms)', B.p50, C.p50, ratios.medianLatency);
    line('p95 latency (ms)', B.p95, C.p95, ratios.p95Latency);
    line('p99 latency (ms)', B.p99, C.p99);
    line('server CPU per booking (ms)', B.serverCpuMs, C.serverCpuMs, ratios.serverCpu, 2);
    line('PostgreSQL CPU per booking (ms)', B.postgresCpuMs, C.postgresCpuMs, ratios.postgresCpu, 2);
    line('SQL statements per booking', B.statements, C.statements, undefined, 1);
    line('socket writes to PostgreSQL per booking', B.socketWrites, C.socketWrites, undefined, 1);
    line('bytes sent to PostgreSQL per booking', B.bytesToPostgres, C.bytesToPostgres, undefined, 0);
    if (oneAtATime) {
      const { baseline: b, consent: c } = oneAtATime;
      console.log(`one booking at a time (${b.bookings} per variant, alternating chunks of 25):`);
      line('  median latency (ms)', b.p50, c.p50, c.p50 / b.p50, 2);
      line('  p95 latency (ms)', b.p95, c.p95, c.p95 / b.p95, 2);
      line('  server CPU per booking (ms)', b.serverCpuMs, c.serverCpuMs, c.serverCpuMs / b.serverCpuMs, 2);
    }
    console.log('per round (a segment of each variant, back to back):');
    for (const p of perRound) {
      console.log(
        `  round ${p.round}: median latency ${p.medianLatency.toFixed(3)}x, throughput ${p.throughput.toFixed(3)}x, ` +
          `server CPU ${p.serverCpu.toFixed(3)}x, PostgreSQL CPU ${p.postgresCpu.toFixed(3)}x`
      );
    }
    console.log(
      `  median of rounds: median latency ${medianOfRounds.medianLatency.toFixed(3)}x, throughput ${medianOfRounds.throughput.toFixed(3)}x, ` +
        `server CPU ${medianOfRounds.serverCpu.toFixed(3)}x, PostgreSQL CPU ${medianOfRounds.postgresCpu.toFixed(3)}x`
    );
    console.log('(latency and CPU ratios: consent / baseline; throughput ratio: baseline / consent)');
    const pass = ratios.medianLatency <= TARGET && ratios.throughput <= TARGET;
    console.log(`target <= ${TARGET}x (pooled median latency and throughput): ${pass ? 'PASS' : 'FAIL'}`);

    console.log(`\nSQL statements of a booking with consent (${settings.count} bookings, one at a time, per booking):`);
    for (const q of counts.consent.statements) console.log(`  ${fmt(q.count / counts.consent.bookings, 2).padStart(5)}  ${q.sql}`);

    const out = path.join(RESULTS, 'bookings-latest.json');
    fs.writeFileSync(
      out,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          node: process.version,
          cpus: os.cpus().length,
          settings: { ...settings, database: 'postgres', mode: 'production' },
          summary,
          ratios,
          perRound,
          medianOfRounds,
          oneAtATime,
          target: TARGET,
          pass,
          segments: segments.map(({ latencies: _latencies, ...s }) => s),
          queries: counts,
        },
        null,
        2
      )
    );
    console.log(`\nwritten ${path.relative(ROOT, out)}`);
  } finally {
    for (const server of Object.values(servers)) await stopServer(server);
    if (!flag('keep')) for (const variant of VARIANTS) await dropSchema(SCHEMA[variant]);
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
