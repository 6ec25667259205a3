/**
 * The booking bench's report: every figure pooled over the segments, the
 * ratios (pooled, per round, their median) against the target, the table, the
 * statements of a booking with consent, and bench/results/bookings-latest.json.
 */
import os from 'node:os';
import { writeResults } from '../boot';
import { fmt, medianInterval, quantile, round } from '../lib';
import type { Segment, serial } from './load';
import type { QueryCount, Variant } from './server';

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
  oneAtATime: Awaited<ReturnType<typeof serial>> | null
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
  const intervals = {
    medianLatency: medianInterval(perRound.map((p) => p.medianLatency)),
    throughput: medianInterval(perRound.map((p) => p.throughput)),
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
  const interval = (i: [number, number] | null) => (i ? `${i[0].toFixed(3)}-${i[1].toFixed(3)}` : 'n/a (fewer than 4 rounds)');
  console.log(
    `  95 % interval of the median of rounds (bootstrap): median latency ${interval(intervals.medianLatency)}, throughput ${interval(intervals.throughput)}`
  );
  console.log('(latency and CPU ratios: consent / baseline; throughput ratio: baseline / consent)');
  const pass = ratios.medianLatency <= TARGET && ratios.throughput <= TARGET;
  console.log(`target <= ${TARGET}x (pooled median latency and throughput): ${pass ? 'PASS' : 'FAIL'}`);
  const straddles = [intervals.medianLatency, intervals.throughput].some((i) => i && i[0] <= TARGET && i[1] > TARGET);
  if (straddles) console.log(`  the interval contains ${TARGET}: on this machine's noise this run alone does not settle the target`);

  console.log(`\nSQL statements of a booking with consent (${settings.count} bookings, one at a time, per booking):`);
  for (const q of counts.consent.statements) console.log(`  ${fmt(q.count / counts.consent.bookings, 2).padStart(5)}  ${q.sql}`);

  writeResults('bookings-latest.json', {
    settings: { ...settings, database: 'postgres', mode: 'production' },
    summary,
    ratios,
    perRound,
    medianOfRounds,
    medianOfRoundsInterval95: intervals,
    oneAtATime,
    target: TARGET,
    pass,
    segments: segments.map(({ latencies: _latencies, ...s }) => s),
    queries: counts,
  });
};
