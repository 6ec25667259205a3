/**
 * The load of the booking bench: the request a public booking front-end sends
 * (the same data for request i in both variants), a closed-loop keep-alive
 * client on node:http, and what is measured with it: a segment with its
 * latencies and CPU per booking, one booking at a time, the SQL of a booking.
 */
import http from 'node:http';
import { postgresCpuMs } from '../cpu';
import { ms, mulberry32, quantile, round } from '../lib';
import { cpuOf, VARIANTS, type QueryCount, type Server, type Variant } from './server';

/**
 * The booking a front-end sends for request number i: the same contact (name,
 * email, language) and booking in every variant; the plugin's variants also send
 * `data.consent` (the baseline would reject it as an unknown field).
 */
const SERVICES = ['Haircut', 'Colour', 'Beard trim', 'Manicure', 'Massage'];
const LANGUAGES = ['da', 'sv', 'en'] as const;
const bodyFor = (withConsent: boolean, i: number, run: string): string => {
  const language = LANGUAGES[i % 3];
  const data: Record<string, unknown> = {
    startsAt: new Date(Date.UTC(2027, 0, 1) + (i % 5000) * 30 * 60 * 1000).toISOString(),
    service: SERVICES[i % SERVICES.length],
    contact: { name: `Bench Client ${i}`, email: `bench.${run}.${i}@example.com`, language },
  };
  if (withConsent) {
    data.consent = {
      locale: language,
      given: ['storage'],
      refused: ['marketing'],
      versions: { storage: '2.1', marketing: '1.0' },
    };
  }
  return JSON.stringify({ data });
};

/** The next request body of a variant. */
export type Load = () => string;

/**
 * `baseline` and `new`: a new client per booking (unique email), or with
 * --returning f, that share of the bookings by a client who booked before (same
 * email: matched, not created). Deterministic, so both get the same sequence.
 */
export const makeLoad = (variant: 'baseline' | 'new', run: string, returning: number): Load => {
  let created = 0;
  const rand = mulberry32(42);
  return () => {
    const reuse = created > 0 && rand() < returning;
    const i = reuse ? 1 + Math.floor(rand() * created) : ++created;
    return bodyFor(variant === 'new', i, run);
  };
};

/**
 * `existing`: every booking by a client who booked before, each client once (so every
 * booking holds its decisions and queues that client's one confirmation request).
 * The clients are made unmeasured just before they are needed by `prime`: the same
 * booking with consent by a new client, through the plugin's own intake, so each has
 * the events, states and summary of a client who booked online before. Request i
 * is then client i's second booking, with the same data as request i of the others.
 * Priming as they are used keeps the clients table as large as the baseline's at
 * every round (each of its bookings adds a client).
 */
export const makeExistingLoad = (run: string) => {
  let primed = 0;
  let used = 0;
  const load = (() => {
    if (used >= primed) throw new Error('existing: no primed client left (prime before driving)');
    used += 1;
    return bodyFor(true, used, run);
  }) as Load & { prime: Load; available: () => number };
  load.prime = () => {
    primed += 1;
    return bodyFor(true, primed, run);
  };
  load.available = () => primed - used;
  return load;
};
export type ExistingLoad = ReturnType<typeof makeExistingLoad>;

const post = (
  agent: http.Agent,
  port: number,
  body: string
): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/bookings',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'BookingPage/2.0 (bench)',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })
        );
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
export const drive = async (server: Server, load: Load, total: number, concurrency: number) => {
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
      if (res.status !== 201)
        failure ??= `${server.variant}: ${res.status} ${res.text.slice(0, 300)}`;
      latencies.push(ms(t));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = ms(started) / 1000;
  agent.destroy();
  if (failure) throw new Error(`a booking failed: ${failure}`);
  return { latencies, seconds };
};

export interface Segment {
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

export const measure = async (
  server: Server,
  load: Load,
  roundNo: number,
  bookings: number,
  concurrency: number
): Promise<Segment> => {
  const [cpu, pg] = [await cpuOf(server), postgresCpuMs()];
  const { latencies, seconds } = await drive(server, load, bookings, concurrency);
  const [cpuAfter, pgAfter] = [await cpuOf(server), postgresCpuMs()];
  return {
    variant: server.variant,
    round: roundNo,
    bookings,
    seconds: round(seconds, 2),
    rps: round(bookings / seconds, 1),
    p50: round(quantile(latencies, 0.5), 2),
    p95: round(quantile(latencies, 0.95), 2),
    p99: round(quantile(latencies, 0.99), 2),
    serverCpuMs: round((cpuAfter - cpu) / bookings, 3),
    postgresCpuMs: round((pgAfter - pg) / bookings, 3),
    latencies,
  };
};

/** One booking at a time (no queueing, no contention), in chunks alternating between the variants. */
export const serial = async (
  servers: Record<Variant, Server>,
  loads: Record<Variant, Load>,
  total: number,
  chunk = 25
) => {
  const acc = Object.fromEntries(
    VARIANTS.map((v) => [v, { latencies: [] as number[], cpuMs: 0 }])
  ) as Record<Variant, { latencies: number[]; cpuMs: number }>;
  const agents = Object.fromEntries(
    VARIANTS.map((v) => [v, new http.Agent({ keepAlive: true, maxSockets: 1 })])
  ) as Record<Variant, http.Agent>;
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
    p50: round(quantile(acc[v].latencies, 0.5), 2),
    p95: round(quantile(acc[v].latencies, 0.95), 2),
    serverCpuMs: round(acc[v].cpuMs / acc[v].latencies.length, 3),
  });
  return Object.fromEntries(VARIANTS.map((v) => [v, of(v)])) as Record<
    Variant,
    ReturnType<typeof of>
  >;
};

export const countQueries = async (
  server: Server,
  load: Load,
  bookings: number
): Promise<QueryCount> => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  await server.request({ cmd: 'count-start' }, 'counting');
  for (let i = 0; i < bookings; i += 1) {
    const res = await post(agent, server.port, load());
    if (res.status !== 201) throw new Error(`${server.variant}: ${res.status} ${res.text}`);
  }
  agent.destroy();
  return server.request<QueryCount>({ cmd: 'count-stop', bookings }, 'counted');
};
