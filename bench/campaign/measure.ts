/**
 * What a send of the campaign bench is measured by: CPU snapshots (this
 * process, the sink, the machine), CPU per mail between two of them, and the
 * figures of a send (mails/s, bytes per mail, connections at the sink).
 */
import { machineBusy, selfCpuMs } from '../cpu';
import { round } from '../lib';
import type { Sink, SinkStats } from './sink';

interface CpuSnapshot {
  self: number;
  sink: number;
  machine: { idle: number; total: number };
}

export const snapshot = async (sink: Sink): Promise<CpuSnapshot> => ({
  self: selfCpuMs(),
  sink: (await sink.stats()).cpuMs,
  machine: machineBusy(),
});

/** CPU per mail between two snapshots (ms), with the PostgreSQL backends' ms if tracked, and the machine's busy share. */
export const cpuPerMail = (a: CpuSnapshot, b: CpuSnapshot, mails: number, postgresMs = 0) => ({
  senderMs: round((b.self - a.self) / mails, 4),
  sinkMs: round((b.sink - a.sink) / mails, 4),
  postgresMs: round(postgresMs / mails, 4),
  machineBusy: round(
    1 - (b.machine.idle - a.machine.idle) / (b.machine.total - a.machine.total),
    3
  ),
});
export type CpuPerMail = ReturnType<typeof cpuPerMail>;

export interface SendFigures {
  sent: number;
  seconds: number;
  mailsPerSecond: number;
  cpu: CpuPerMail;
  bytesPerMail: number;
  connections: number;
  /** Interleaved rounds: mails/s of each segment, in order (segment k of the plugin ran next to segment k of the baseline). */
  segmentRates?: number[];
}

export const sendFigures = (
  sent: number,
  seconds: number,
  cpu: CpuPerMail,
  got: SinkStats
): SendFigures => ({
  sent,
  seconds: round(seconds, 2),
  mailsPerSecond: round(sent / seconds, 1),
  cpu,
  bytesPerMail: Math.round(got.bytes / Math.max(got.messages, 1)),
  connections: got.connections,
});

/** Snapshot deltas summed over several timed pieces (interleaved segments), as one pair for cpuPerMail(). */
export const accumulator = () => {
  const zero = (): CpuSnapshot => ({ self: 0, sink: 0, machine: { idle: 0, total: 0 } });
  const total = zero();
  let seconds = 0;
  return {
    add(a: CpuSnapshot, b: CpuSnapshot, elapsedSeconds: number) {
      total.self += b.self - a.self;
      total.sink += b.sink - a.sink;
      total.machine.idle += b.machine.idle - a.machine.idle;
      total.machine.total += b.machine.total - a.machine.total;
      seconds += elapsedSeconds;
    },
    pair: (): [CpuSnapshot, CpuSnapshot] => [zero(), total],
    seconds: () => seconds,
  };
};
