/**
 * The booking bench's report: every figure pooled over the segments, for each
 * plugin variant (new client, existing client) its ratios against the same
 * baseline (pooled, per round, their median with a bootstrap interval) against
 * the target, the table, the statements of a booking of each plugin variant,
 * and bench/results/bookings-latest.json.
 */
import os from 'node:os';
import { writeResults } from '../boot';
import { fmt, medianInterval, quantile, round } from '../lib';
import type { ExistingCheck } from './check';
import type { Segment, serial } from './load';
import {
  LABEL,
  PLUGIN_VARIANTS,
  VARIANTS,
  type PluginVariant,
  type QueryCount,
  type Variant,
} from './server';

const TARGET = 1.15;

const median = (values: number[]) => round(quantile(values, 0.5), 3);

interface ReportSettings {
  rounds: number;
  requests: number;
  concurrency: number;
  returning: number;
  count: number;
  vacuumBetweenRounds?: boolean;
}

export const report = (
  settings: ReportSettings,
  segments: Segment[],
  counts: Record<Variant, QueryCount>,
  oneAtATime: Awaited<ReturnType<typeof serial>> | null,
  existingCheck: ExistingCheck
): void => {
  const pooled = (variant: Variant) => {
    const mine = segments.filter((s) => s.variant === variant);
    const all = mine.flatMap((s) => s.latencies);
    const seconds = mine.reduce((sum, s) => sum + s.seconds, 0);
    const perBooking = (n: number) => round(n / counts[variant].bookings, 2);
    return {
      bookings: all.length,
      seconds: round(seconds, 2),
      rps: round(all.length / seconds, 1),
      p50: round(quantile(all, 0.5), 2),
      p95: round(quantile(all, 0.95), 2),
      p99: round(quantile(all, 0.99), 2),
      serverCpuMs: round(mine.reduce((sum, s) => sum + s.serverCpuMs, 0) / mine.length, 3),
      postgresCpuMs: round(mine.reduce((sum, s) => sum + s.postgresCpuMs, 0) / mine.length, 3),
      statements: perBooking(counts[variant].total),
      socketWrites: perBooking(counts[variant].socketWrites.db),
      bytesToPostgres: Math.round(counts[variant].socketWrites.dbBytes / counts[variant].bookings),
    };
  };
  const summary = Object.fromEntries(VARIANTS.map((v) => [v, pooled(v)])) as Record<
    Variant,
    ReturnType<typeof pooled>
  >;
  const ratio = (c: number, b: number) => round(c / b, 3);
  const B = summary.baseline;

  /** Everything compared for one plugin variant against the baseline. */
  const against = (variant: PluginVariant) => {
    const C = summary[variant];
    const ratios = {
      medianLatency: ratio(C.p50, B.p50),
      p95Latency: ratio(C.p95, B.p95),
      throughput: ratio(B.rps, C.rps),
      serverCpu: ratio(C.serverCpuMs, B.serverCpuMs),
      postgresCpu: ratio(C.postgresCpuMs, B.postgresCpuMs),
    };
    const perRound = Array.from({ length: settings.rounds }, (_, i) => {
      const b = segments.find((s) => s.round === i + 1 && s.variant === 'baseline') as Segment;
      const c = segments.find((s) => s.round === i + 1 && s.variant === variant) as Segment;
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
    const intervals = {
      medianLatency: medianInterval(perRound.map((p) => p.medianLatency)),
      throughput: medianInterval(perRound.map((p) => p.throughput)),
    };
    const pass = ratios.medianLatency <= TARGET && ratios.throughput <= TARGET;
    const straddles = [intervals.medianLatency, intervals.throughput].some(
      (i) => i && i[0] <= TARGET && i[1] > TARGET
    );
    return {
      ratios,
      perRound,
      medianOfRounds,
      medianOfRoundsInterval95: intervals,
      pass,
      intervalContainsTarget: straddles,
    };
  };
  const compared = { new: against('new'), existing: against('existing') };

  const w = [40, 11, 13, 9, 17, 9];
  const cell = (v: number, d: number, width: number) => fmt(v, d).padStart(width);
  const x = (r: number | undefined, width: number) =>
    (r === undefined ? '' : `${r.toFixed(3)}x`).padStart(width + 1);
  const line = (
    label: string,
    get: (v: Variant) => number,
    rs?: Record<PluginVariant, number | undefined>,
    d = 1
  ) =>
    console.log(
      `${label.padEnd(w[0])}${cell(get('baseline'), d, w[1])}${cell(get('new'), d, w[2])}${x(rs?.new, w[3])}` +
        `${cell(get('existing'), d, w[4])}${x(rs?.existing, w[5])}`
    );
  const both = (key: keyof (typeof compared)['new']['ratios']) => ({
    new: compared.new.ratios[key],
    existing: compared.existing.ratios[key],
  });
  console.log(
    `\nPOST /api/bookings, PostgreSQL 15, production mode, ${settings.concurrency} in flight, ${settings.rounds} rounds x ` +
      `${settings.requests} bookings per variant (ABC CBA ...), ` +
      (settings.returning > 0
        ? `baseline and new: ${Math.round(settings.returning * 100)} % by returning clients`
        : 'baseline and new: a new client per booking') +
      `, ${os.cpus().length} CPUs`
  );
  console.log(
    `${''.padEnd(w[0])}${LABEL.baseline.padStart(w[1])}${LABEL.new.padStart(w[2])}${'ratio'.padStart(w[3] + 1)}` +
      `${LABEL.existing.padStart(w[4])}${'ratio'.padStart(w[5] + 1)}`
  );
  line('bookings measured', (v) => summary[v].bookings, undefined, 0);
  line('throughput (req/s)', (v) => summary[v].rps, both('throughput'));
  line('median latency (ms)', (v) => summary[v].p50, both('medianLatency'));
  line('p95 latency (ms)', (v) => summary[v].p95, both('p95Latency'));
  line('p99 latency (ms)', (v) => summary[v].p99);
  line('server CPU per booking (ms)', (v) => summary[v].serverCpuMs, both('serverCpu'), 2);
  line('PostgreSQL CPU per booking (ms)', (v) => summary[v].postgresCpuMs, both('postgresCpu'), 2);
  line('SQL statements per booking', (v) => summary[v].statements);
  line('socket writes to PostgreSQL per booking', (v) => summary[v].socketWrites);
  line('bytes sent to PostgreSQL per booking', (v) => summary[v].bytesToPostgres, undefined, 0);
  if (oneAtATime) {
    const o = oneAtATime;
    const rel = (key: 'p50' | 'p95' | 'serverCpuMs') => ({
      new: o.new[key] / o.baseline[key],
      existing: o.existing[key] / o.baseline[key],
    });
    console.log(
      `one booking at a time (${o.baseline.bookings} per variant, alternating chunks of 25):`
    );
    line('  median latency (ms)', (v) => o[v].p50, rel('p50'), 2);
    line('  p95 latency (ms)', (v) => o[v].p95, rel('p95'), 2);
    line('  server CPU per booking (ms)', (v) => o[v].serverCpuMs, rel('serverCpuMs'), 2);
  }
  const interval = (i: [number, number] | null) =>
    i ? `${i[0].toFixed(3)}-${i[1].toFixed(3)}` : 'n/a (fewer than 4 rounds)';
  for (const variant of PLUGIN_VARIANTS) {
    const c = compared[variant];
    console.log(`${LABEL[variant]} against the baseline, per round (segments of the same round):`);
    for (const p of c.perRound) {
      console.log(
        `  round ${p.round}: median latency ${p.medianLatency.toFixed(3)}x, throughput ${p.throughput.toFixed(3)}x, ` +
          `server CPU ${p.serverCpu.toFixed(3)}x, PostgreSQL CPU ${p.postgresCpu.toFixed(3)}x`
      );
    }
    const m = c.medianOfRounds;
    console.log(
      `  median of rounds: median latency ${m.medianLatency.toFixed(3)}x, throughput ${m.throughput.toFixed(3)}x, ` +
        `server CPU ${m.serverCpu.toFixed(3)}x, PostgreSQL CPU ${m.postgresCpu.toFixed(3)}x`
    );
    console.log(
      `  95 % interval of the median of rounds (bootstrap): median latency ${interval(c.medianOfRoundsInterval95.medianLatency)}, ` +
        `throughput ${interval(c.medianOfRoundsInterval95.throughput)}`
    );
    console.log(
      `  target <= ${TARGET}x (pooled median latency and throughput): ${c.pass ? 'PASS' : 'FAIL'}`
    );
    if (c.intervalContainsTarget)
      console.log(
        `  the interval contains ${TARGET}: on this machine's noise this run alone does not settle the target`
      );
  }
  console.log('(latency and CPU ratios: variant / baseline; throughput ratio: baseline / variant)');
  const e = existingCheck;
  console.log(
    `existing clients' schema: ${e.clients} clients made by a first booking (${e.events} events), ${e.bookings} second bookings, ` +
      `${e.confirmations} queued confirmations for ${e.confirmedClients} clients holding ${e.heldDecisions} decisions: ${e.ok ? 'as expected' : 'NOT AS EXPECTED'}`
  );

  for (const variant of PLUGIN_VARIANTS) {
    console.log(
      `\nSQL statements of a booking, ${LABEL[variant]} (${settings.count} bookings, one at a time, per booking):`
    );
    for (const q of counts[variant].statements)
      console.log(`  ${fmt(q.count / counts[variant].bookings, 2).padStart(5)}  ${q.sql}`);
  }
  console.log(
    `\nSQL statements of a booking, baseline (${settings.count} bookings, one at a time, per booking):`
  );
  for (const q of counts.baseline.statements)
    console.log(`  ${fmt(q.count / counts.baseline.bookings, 2).padStart(5)}  ${q.sql}`);

  writeResults('bookings-latest.json', {
    settings: { ...settings, database: 'postgres', mode: 'production' },
    variants: {
      baseline:
        'CONSENT_ENABLED=false; bench/bookings/baseline.ts: client found by email or created, then the booking, one transaction',
      new: 'the plugin: a new client per booking, created by the intake from data.contact, its decisions recorded',
      existing:
        'the plugin: every booking names a client who booked before (anonymous page): decisions held, one confirmation queued',
    },
    summary,
    compared,
    oneAtATime,
    existingCheck,
    target: TARGET,
    pass: compared.new.pass,
    segments: segments.map(({ latencies: _latencies, ...s }) => s),
    queries: counts,
  });
};
