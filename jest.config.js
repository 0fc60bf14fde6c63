/** @type {import('jest').Config} */
const swc = require('./scripts/support/swcOptions.cjs');

module.exports = {
  // Node's environment that also removes the temp folders a test file made (test/support/tempDirs.ts).
  testEnvironment: '<rootDir>/test/support/tempDirEnvironment.cjs',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', swc] },
  // jose 6 ships only ES modules: compiled to CommonJS like our sources (Node itself loads it with require).
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testTimeout: 120000,
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  globalSetup: '<rootDir>/test/globalSetup.ts',
  // Suites start servers, DuckDB instances, worker pools and browsers and wait on them a good part of the time:
  // three at a time keep a 2-core machine busier than two (`npm test` runs the lint and type checks beside them).
  maxWorkers: 3,
};
