/**
 * Benchmark: exporting the consent history of one client with 1,000,000 events
 * (XLSX and CSV), streamed over HTTP, on PostgreSQL: peak RSS of the serving
 * Strapi against its idle RSS, and rows per second.
 *
 *   npm run build && node -r ./bench/register.js bench/export.ts [--events 1000000] [--reuse] [--no-compile] [--check] [--formats xlsx,csv]
 *   --reuse: keep the schema seeded by a previous run; --check: read the XLSX back
 *   (exceljs streaming reader) and count its rows (slow at 1M).
 *
 * 1. Reset the schema consent_bench_export, start the demo app in a child process
 *    (production mode, bench/child.ts) so that its RSS is its own; the demo seeds
 *    its 50 clients. Insert N events for one demo client without events, in one
 *    INSERT ... SELECT generate_series (not chained: the export does not read the chain).
 * 2. Idle: sample the child's RSS (/proc/<pid>/status VmRSS) for 3 s after boot
 *    (median), and again after a warm-up export of a small client.
 * 3. Per format: GET /consent/subjects/:subject/export?format=... as the admin
 *    panel does, consuming the body as fast as the socket delivers it, sampling
 *    the child's RSS every 20 ms; peak, time, bytes, rows/s. The CSV's lines are
 *    counted as it streams (header + N).
 * 4. Print peak / idle (target <= 1.3x) and write bench/results/export-latest.json.
 */
import fs from 'node:fs';
import http from 'node:http';
import { prepareDemoApp, writeResults } from './boot';
import { startChild } from './child';
import { arg, bootApp, connect, flag, fmt, ms, quantile, resetSchema, round } from './lib';

const SCHEMA = 'consent_bench_export';
const N = Number(arg('events') ?? 1_000_000);
const FORMATS = (arg('formats') ?? 'xlsx,csv').split(',') as ('xlsx' | 'csv' | 'json')[];
const TARGET = 1.3;

/** Resident set size of a process, in MB (Linux). */
const rssMb = (pid: number): number => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
};

const sleep = (msec: number) => new Promise((resolve) => setTimeout(resolve, msec));

/** Median RSS over a few seconds of doing nothing. */
const idleRss = async (pid: number, seconds = 3): Promise<number> => {
  const samples: number[] = [];
  for (let i = 0; i < seconds * 10; i += 1) {
    samples.push(rssMb(pid));
    await sleep(100);
  }
  return quantile(samples, 0.5);
};

const request = (port: number, path: string, token: string | null, body?: object) =>
  new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body ? 'POST' : 'GET',
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
      },
      resolve
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });

const readJson = async (res: http.IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
};

interface Measured {
  format: string;
  status: number;
  seconds: number;
  bytes: number;
  rowsPerSecond: number;
  peakRssMb: number;
  /** Peaks of the server's own process.memoryUsage() during the export (MB), sampled every 200 ms. */
  peakHeap: { heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
  lines?: number;
  rowsReadBack?: number;
}

/** Download an export, sampling the server's RSS every 20 ms. */
const measureExport = async (
  pid: number,
  port: number,
  token: string,
  subject: string,
  format: string,
  events: number,
  mem: () => Promise<NodeJS.MemoryUsage>
): Promise<Measured> => {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 20);
  const heap = { heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  let sampling = true;
  const sampleHeap = (async () => {
    while (sampling) {
      const m = await mem();
      for (const k of Object.keys(heap) as (keyof typeof heap)[])
        heap[k] = Math.max(heap[k], round(m[k] / 1048576, 1));
      await sleep(200);
    }
  })();
  const started = process.hrtime.bigint();
  const res = await request(port, `/consent/subjects/${subject}/export?format=${format}`, token);
  let bytes = 0;
  let lines = 0;
  const file =
    flag('check') && format === 'xlsx' ? fs.createWriteStream(`/tmp/${SCHEMA}.xlsx`) : null;
  for await (const chunk of res) {
    const buf = chunk as Buffer;
    bytes += buf.length;
    if (format === 'csv')
      for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) lines += 1;
    if (file && !file.write(buf))
      await new Promise<void>((resolve) => file.once('drain', () => resolve()));
  }
  const seconds = ms(started) / 1000;
  clearInterval(timer);
  sampling = false;
  await sampleHeap;
  peak = Math.max(peak, rssMb(pid));
  if (file) await new Promise<void>((resolve) => file.end(() => resolve()));
  const result: Measured = {
    format,
    status: res.statusCode ?? 0,
    seconds: round(seconds),
    bytes,
    rowsPerSecond: Math.round(events / seconds),
    peakRssMb: round(peak, 1),
    peakHeap: heap,
  };
  if (format === 'csv') result.lines = lines;
  if (file) {
    const ExcelJS = require('exceljs') as typeof import('exceljs');
    let rows = 0;
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(`/tmp/${SCHEMA}.xlsx`, {
      sharedStrings: 'ignore',
      hyperlinks: 'ignore',
      styles: 'ignore',
      worksheets: 'emit',
    });
    for await (const sheet of reader) for await (const _row of sheet) rows += 1;
    result.rowsReadBack = rows;
    fs.rmSync(`/tmp/${SCHEMA}.xlsx`, { force: true });
  }
  return result;
};

/** The child: the demo app serving HTTP on the bench schema. */
const runServer = async () => {
  const app = await bootApp(SCHEMA);
  const server = app.strapi.server.httpServer;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('message', async (message: { cmd: string }) => {
    if (message.cmd === 'mem') {
      process.send?.({ type: 'mem', result: process.memoryUsage() });
    } else if (message.cmd === 'gc') {
      (global as { gc?: () => void }).gc?.();
      process.send?.({ type: 'gc', result: process.memoryUsage() });
    } else if (message.cmd === 'stop') {
      await app.stop();
      process.exit(0);
    }
  });
  process.send?.({
    type: 'ready',
    port: (server.address() as { port: number }).port,
    pid: process.pid,
  });
};

/** N events for one subject, set-based. Values vary like real ones (purpose, decision, IP, user agent, a note on 1 in 10). */
const seedEvents = async (subject: string, events: number) => {
  const db = await connect(SCHEMA);
  try {
    const t = process.hrtime.bigint();
    await db.query(
      `INSERT INTO consent_events (document_id, subject, purpose_key, decision, explicit, text_version, text_major, text_hash, text_locale,
         channel, source, actor_type, actor_name, occurred_at, ip, user_agent, note, created_at, updated_at, published_at)
       SELECT 'b' || lpad(g::text, 23, '0'), $1,
              CASE WHEN g % 3 = 0 THEN 'marketing' ELSE 'storage' END,
              CASE WHEN g % 5 = 0 THEN 'withdrawn' ELSE 'given' END,
              false, '2.1', 2, md5(g::text) || md5((g + 1)::text), 'en',
              CASE WHEN g % 2 = 0 THEN 'booking_page' ELSE 'email_link' END, 'bench', 'subject', 'Bench Client',
              timestamp '2020-01-01' + g * interval '1 second',
              '203.0.113.' || (g % 250), 'Mozilla/5.0 (X11; Linux x86_64) bench/' || (g % 100),
              CASE WHEN g % 10 = 0 THEN 'Note ' || g || ', "quoted"' ELSE NULL END,
              now(), now(), now()
       FROM generate_series(1, $2) AS g`,
      [subject, events]
    );
    await db.query('ANALYZE consent_events');
    return ms(t);
  } finally {
    await db.end();
  }
};

type Server = Awaited<ReturnType<typeof startServer>>;

const startServer = async () => {
  const t = process.hrtime.bigint();
  const server = await startChild<{ type: 'ready'; port: number; pid: number }>(
    'export server',
    __filename,
    ['--server'],
    { env: { ...process.env } }
  );
  console.log(
    `demo app up in ${(ms(t) / 1000).toFixed(1)} s (pid ${server.ready.pid}, port ${server.ready.port})`
  );
  const idleAfterBoot = await idleRss(server.ready.pid);
  const login = await readJson(
    await request(server.ready.port, '/admin/login', null, {
      email: 'admin@example.com',
      password: 'Consent-demo-2026',
    })
  );
  const token = login.data?.token as string;
  if (!token) throw new Error(`admin login failed: ${JSON.stringify(login)}`);
  return { ...server, ...server.ready, idleAfterBoot, token };
};

/** The bench's own client (a row of the host table, inserted once) with N events; the demo's clients keep their proof. */
const prepareSubject = async (result: Record<string, unknown>) => {
  const subject = 'benchexportclient0000001';
  const db = await connect(SCHEMA);
  try {
    await db.query(
      `INSERT INTO clients (document_id, name, email, language, created_at, updated_at, published_at)
       SELECT $1::varchar, 'Bench Export Client', 'bench.export@example.com', 'en', now(), now(), now()
       WHERE NOT EXISTS (SELECT 1 FROM clients WHERE document_id = $1::varchar)`,
      [subject]
    );
    const have = Number(
      (
        await db.query<{ n: string }>(
          'SELECT count(*) AS n FROM consent_events WHERE subject = $1',
          [subject]
        )
      ).rows[0].n
    );
    const small = (
      await db.query<{ subject: string }>(
        `SELECT subject FROM consent_events WHERE subject <> $1 GROUP BY subject LIMIT 1`,
        [subject]
      )
    ).rows[0].subject;
    if (have !== N) {
      if (have > 0) throw new Error(`${subject} has ${have} events, not ${N}: run without --reuse`);
      console.log(`seeding ${N} events for client ${subject}`);
      const seedMs = await seedEvents(subject, N);
      console.log(`seeded in ${(seedMs / 1000).toFixed(1)} s`);
      result.seedMs = round(seedMs);
    }
    return { subject, small };
  } finally {
    await db.end();
  }
};

/**
 * One format in a server of its own: RSS that the allocator keeps after one export
 * (freed, not returned to the system) would otherwise count against the next.
 */
const runFormat = async (format: string, server: Server, subject: string, small: string) => {
  // Warm-up: a small client's export (code paths loaded, pools open), then idle again.
  for await (const _ of await request(
    server.port,
    `/consent/subjects/${small}/export?format=${format}`,
    server.token
  ))
    void _;
  await sleep(1000);
  const idleWarm = await idleRss(server.pid);
  const m = await measureExport(server.pid, server.port, server.token, subject, format, N, () =>
    server.request<NodeJS.MemoryUsage>({ cmd: 'mem' }, 'mem')
  );
  if (m.status !== 200) throw new Error(`${format} export: HTTP ${m.status}`);
  const ratio = m.peakRssMb / server.idleAfterBoot;
  console.log(
    `${format.padEnd(4)} ${N} rows in ${fmt(m.seconds)} s (${m.rowsPerSecond} rows/s, ${fmt(m.bytes / 1e6)} MB): ` +
      `peak RSS ${fmt(m.peakRssMb)} MB vs idle ${fmt(server.idleAfterBoot)} MB (${fmt(idleWarm)} after a warm-up) = ${ratio.toFixed(2)}x ${ratio <= TARGET ? 'PASS' : 'FAIL'}` +
      (m.lines !== undefined
        ? `; ${m.lines} lines (${m.lines === N + 1 ? 'header + every event' : 'MISMATCH'})`
        : '') +
      `; server heap peaks (MB): used ${m.peakHeap.heapUsed}, total ${m.peakHeap.heapTotal}, external ${m.peakHeap.external}, array buffers ${m.peakHeap.arrayBuffers}` +
      (m.rowsReadBack !== undefined
        ? `; read back ${m.rowsReadBack} rows (${m.rowsReadBack === N + 1 ? 'header + every event' : 'MISMATCH'})`
        : '')
  );
  return {
    ...m,
    idleRssMb: { afterBoot: round(server.idleAfterBoot, 1), afterWarmup: round(idleWarm, 1) },
    ratioToIdle: round(ratio),
    ratioToWarmIdle: round(m.peakRssMb / idleWarm),
  };
};

const main = async () => {
  if (flag('server')) return runServer();
  await prepareDemoApp({ compile: !flag('no-compile') });
  if (!flag('reuse')) await resetSchema(SCHEMA);
  const result: Record<string, unknown> = {
    schema: SCHEMA,
    events: N,
    target: `peak RSS <= ${TARGET}x idle (after boot)`,
  };
  const runs: Awaited<ReturnType<typeof runFormat>>[] = [];
  for (const format of FORMATS) {
    const server = await startServer();
    try {
      const { subject, small } = await prepareSubject(result);
      runs.push(await runFormat(format, server, subject, small));
    } finally {
      await server.stop(30_000);
    }
  }
  Object.assign(result, {
    runs,
    pass: runs.every((m) => m.ratioToIdle <= TARGET),
    note: "a fresh server per format; one run on a shared 2-core machine (other engineers' work may run beside it): times are noisy; RSS is the server's own",
  });
  writeResults('export-latest.json', result);
};

main().then(
  () => undefined,
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
