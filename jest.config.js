/**
 * Unit tests (pure modules), integration tests (the real demo app on a real
 * database), the fault suite (several instances, killed or cut off) and browser tests of the admin panel (the built demo app in Chromium).
 */
const fs = require('node:fs');
const os = require('node:os');

const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest'] };

/**
 * The browser tests need Chromium (tests/helpers/browser.ts). Without it they are left out
 * with one line saying what to install, instead of failing.
 */
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = fs.existsSync(chromium);
if (!haveChromium && !process.env.JEST_WORKER_ID) {
  process.stderr.write(
    `\n[e2e] SKIPPED: the browser tests need Chromium at ${chromium}: apt-get install -y chromium (or set CHROMIUM_PATH)\n\n`
  );
}

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/tests/unit'],
      transform,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/tests/integration'],
      transform,
      globalSetup: '<rootDir>/tests/helpers/global-setup.ts',
    },
    {
      // Issue 18 point 7: instances killed, mail server down, database sessions terminated,
      // a rebuild under writes. PostgreSQL only (each file says why); about 5 minutes.
      displayName: 'faults',
      testEnvironment: 'node',
      roots: ['<rootDir>/tests/faults'],
      transform,
      globalSetup: '<rootDir>/tests/helpers/global-setup.ts',
    },
    ...(haveChromium
      ? [
          {
            displayName: 'e2e',
            testEnvironment: 'node',
            roots: ['<rootDir>/tests/e2e'],
            transform,
            globalSetup: '<rootDir>/tests/helpers/e2e-setup.ts',
          },
        ]
      : []),
  ],
  // Jest's default is one worker fewer than the cores: on 2 cores a single one. The suites
  // wait on mail servers, timers and child processes much of the time, so two workers
  // finish sooner even on 2 cores (docs/testing.md, "How long the tests take").
  maxWorkers: Math.max(2, (os.availableParallelism?.() ?? os.cpus().length) - 1),
  testTimeout: 120000,
};
