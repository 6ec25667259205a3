/**
 * V8 CPU profiles of this process (node:inspector): start one, stop it into a
 * .cpuprofile file, and summarise it as self time by function and by package.
 */
import fs from 'node:fs';
import type { Session } from 'node:inspector';
import path from 'node:path';
import { ROOT } from './boot';
import { round } from './lib';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Start the profiler (sampling every `intervalUs` µs, V8's default without it); returns the stop, which writes `file`. */
export const startProfile = async (intervalUs?: number): Promise<(file: string) => Promise<CpuProfile>> => {
  const { Session } = await import('node:inspector');
  const session: Session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  if (intervalUs !== undefined) await post('Profiler.setSamplingInterval', { interval: intervalUs });
  await post('Profiler.start');
  return async (file) => {
    const { profile } = (await post('Profiler.stop')) as { profile: CpuProfile };
    session.disconnect();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    return profile;
  };
};

/** `work` under the profiler (a sample every 500 µs), the profile written to `file`. */
export const profiled = async <T>(file: string, work: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> => {
  const stop = await startProfile(500);
  let result: T;
  let profile: CpuProfile;
  try {
    result = await work();
  } finally {
    profile = await stop(file);
  }
  return { result, profile };
};

/** Self time by function and by package/area, from a V8 CPU profile. */
export const summariseProfile = (profile: CpuProfile) => {
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
