/**
 * CPU time, from Node and from /proc: this process, any process by pid, every
 * PostgreSQL process of the machine, the backends of a Strapi app's knex pool,
 * and how busy the whole machine was.
 */
import fs from 'node:fs';
import type { Core } from '@strapi/strapi';

/** user + system CPU time of this process, in ms. */
export const selfCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * The command name, utime + stime, and cutime + cstime (the CPU time of its children
 * that have ended and been reaped) of a process, in ms (ticks of 10 ms, USER_HZ 100),
 * or null when it is gone.
 */
const procStat = (
  pid: number | string
): { name: string; cpuMs: number; reapedChildrenMs: number } | null => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return {
      name: stat.slice(stat.indexOf('(') + 1, close),
      cpuMs: (Number(fields[11]) + Number(fields[12])) * 10,
      reapedChildrenMs: (Number(fields[13]) + Number(fields[14])) * 10,
    };
  } catch {
    return null;
  }
};

/** utime + stime of a process in ms, or null when it is gone. */
export const procCpuMs = (pid: number): number | null => procStat(pid)?.cpuMs ?? null;

/**
 * CPU time (ms, user + system) of every PostgreSQL process of this machine, from
 * /proc: the database's share of the work when only one thing uses it at a time.
 * A backend that ends (a pool closing an idle connection) leaves the sum of the
 * live processes, but its time moves to the postmaster's reaped children
 * (cutime + cstime), which are counted too: without them a difference of two
 * readings could even come out negative. NaN without /proc.
 */
export const postgresCpuMs = (): number => {
  try {
    let total = 0;
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const stat = procStat(pid); // null: the process ended meanwhile
      if (stat?.name.startsWith('postgres')) total += stat.cpuMs + stat.reapedChildrenMs;
    }
    return total;
  } catch {
    return Number.NaN;
  }
};

/**
 * CPU time of the PostgreSQL backends serving the app's knex pool (their pids
 * are the pg clients' processID), sampled every 250 ms so a connection the pool
 * closes or opens meanwhile is still counted. Other engineers' tests on the
 * same server are not counted; PostgreSQL's background writers are not either.
 * Returns the stop function, which gives the ms since the start.
 */
export const postgresTracker = (strapi: Core.Strapi) => {
  const pool = strapi.db.connection.client.pool as {
    used?: { resource: { processID?: number } }[];
    free?: { resource: { processID?: number } }[];
  };
  const pids = () =>
    [...(pool?.used ?? []), ...(pool?.free ?? [])]
      .map((r) => r.resource?.processID)
      .filter((pid): pid is number => typeof pid === 'number');
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

/** Idle and total CPU time of the machine (all cores) so far, from /proc/stat; NaN without it. */
export const machineBusy = (): { idle: number; total: number } => {
  try {
    const cpu = fs
      .readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return { idle: cpu[3] + (cpu[4] ?? 0), total: cpu.reduce((a, b) => a + b, 0) };
  } catch {
    return { idle: Number.NaN, total: Number.NaN };
  }
};
