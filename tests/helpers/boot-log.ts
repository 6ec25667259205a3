import fs from 'node:fs';
import path from 'node:path';

/**
 * With TEST_BOOT_LOG=<file>, every Strapi boot of the tests appends one line to that file:
 * the test file, the kind of boot and its seconds. How the suite's speed is measured
 * (docs/testing.md, "How long the tests take").
 */
export const logBoot = (kind: string, started: number, cpuAtStart?: NodeJS.CpuUsage): void => {
  const file = process.env.TEST_BOOT_LOG;
  if (!file) return;
  let testPath = '?';
  try {
    testPath = path.basename(expect.getState().testPath ?? '?');
  } catch {
    // outside a test file (global setup)
  }
  // CPU seconds of this process (an in-process boot; a child process's boot is not counted here).
  const cpu = cpuAtStart ? process.cpuUsage(cpuAtStart) : null;
  const cpuSeconds = cpu ? ((cpu.user + cpu.system) / 1e6).toFixed(2) : '-';
  fs.appendFileSync(
    file,
    `${testPath}\t${kind}\t${((Date.now() - started) / 1000).toFixed(2)}\t${process.env.JEST_WORKER_ID ?? '-'}\t${cpuSeconds}\n`
  );
};
