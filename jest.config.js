/** Unit tests (pure modules) and integration tests (the real demo app on a real database). */
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
  ],
  testTimeout: 120000,
};
