/**
 * Unit tests (pure modules), integration tests (the real demo app on a real
 * database), the fault suite (several instances, killed or cut off) and browser tests of the admin panel (the built demo app in Chromium).
 */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest'] };

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
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/tests/e2e'],
      transform,
      globalSetup: '<rootDir>/tests/helpers/e2e-setup.ts',
    },
  ],
  testTimeout: 120000,
};
