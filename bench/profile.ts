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
export const startProfile = async (
  intervalUs?: number
): Promise<(file: string) => Promise<CpuProfile>> => {
  const { Session } = await import('node:inspector');
  const session: Session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) =>
        error ? reject(error) : resolve(result)
      )
    );
  await post('Profiler.enable');
  if (intervalUs !== undefined)
    await post('Profiler.setSamplingInterval', { interval: intervalUs });
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
export const profiled = async <T>(
  file: string,
  work: () => Promise<T>
): Promise<{ result: T; profile: CpuProfile }> => {
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

const isPlugin = (url: string): boolean =>
  url.includes('/dist/server/') && !url.includes('/node_modules/');

/** Self time by function and by package/area, from a V8 CPU profile. */
export const summariseProfile = (profile: CpuProfile) => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  );
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const area = (url: string, fn: string) => {
    if (!url)
      return fn === '(garbage collector)'
        ? 'GC'
        : fn === '(idle)'
          ? 'idle'
          : fn === '(program)'
            ? 'V8/native'
            : `native ${fn}`;
    // The plugin's own bundle, not another package's dist/server (users-permissions, i18n).
    if (isPlugin(url)) return 'consent plugin';
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
    const f =
      `${functionName || '(anonymous)'} ${url ? `${a === 'consent plugin' ? 'plugin' : a}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(f, (byFunction.get(f) ?? 0) + us);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }
  const top = (map: Map<string, number>, k: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, us]) => ({ name, ms: round(us / 1000, 1), share: round(us / total, 3) }));
  return {
    sampledMs: round(total / 1000, 1),
    byArea: top(byArea, 15),
    byFunction: top(byFunction, 25),
  };
};

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

/**
 * `work` under V8's sampling heap profiler (a sample every 32 KiB allocated) and
 * with GC pauses counted by kind (node:perf_hooks): what a piece of work allocates,
 * by function and package, and what collecting it cost.
 */
export const allocations = async <T>(work: () => Promise<T>) => {
  const { Session } = await import('node:inspector');
  const { PerformanceObserver, constants } = await import('node:perf_hooks');
  const session: Session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) =>
        error ? reject(error) : resolve(result)
      )
    );
  const gc = { minorMs: 0, minor: 0, majorMs: 0, major: 0, otherMs: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        gc.minor += 1;
        gc.minorMs += entry.duration;
      } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        gc.major += 1;
        gc.majorMs += entry.duration;
      } else gc.otherMs += entry.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  await post('HeapProfiler.enable');
  // Every sampled allocation counts, not only what is still alive when sampling stops.
  await post('HeapProfiler.startSampling', {
    samplingInterval: 32 * 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  let result: T;
  let head: SamplingNode;
  try {
    result = await work();
  } finally {
    head = ((await post('HeapProfiler.stopSampling')) as { profile: { head: SamplingNode } })
      .profile.head;
    await post('HeapProfiler.disable');
    session.disconnect();
    // Entries are delivered asynchronously: let the last ones arrive.
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
  }
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  const walk = (node: SamplingNode) => {
    if (node.selfSize > 0) {
      const { functionName, url, lineNumber } = node.callFrame;
      const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)(?!.*node_modules)/);
      const area = !url
        ? '(native)'
        : isPlugin(url)
          ? 'consent plugin'
          : m
            ? m[1]
            : url.startsWith('node:')
              ? 'node'
              : path.relative(ROOT, url);
      const f = `${functionName || '(anonymous)'} ${url ? `${area}:${lineNumber + 1}` : ''}`.trim();
      byFunction.set(f, (byFunction.get(f) ?? 0) + node.selfSize);
      byArea.set(area, (byArea.get(area) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    node.children.forEach(walk);
  };
  walk(head);
  const top = (map: Map<string, number>, k: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, bytes]) => ({
        name,
        mb: round(bytes / 2 ** 20, 1),
        share: round(bytes / Math.max(total, 1), 3),
      }));
  return {
    result: result!,
    allocatedMb: round(total / 2 ** 20, 1),
    gc: {
      ...gc,
      minorMs: round(gc.minorMs, 1),
      majorMs: round(gc.majorMs, 1),
      otherMs: round(gc.otherMs, 1),
    },
    byArea: top(byArea, 12),
    byFunction: top(byFunction, 25),
  };
};
