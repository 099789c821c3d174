// Tests are split by cost (STYLE.md #11). The integration and e2e projects share one local stack
// (DynamoDB Local, mock APIs, HTTP API emulation) started once by test/support/global-setup.ts;
// e2e-isolated starts stacks of its own; local holds the tests of the local runtime and the dev tooling
// (local/, docker-compose.yml). scripts/test.mjs (`npm test`) runs integration + e2e in one Jest
// process and unit + local + infra + e2e-isolated in another, side by side.
const transform = {
  '^.+\\.tsx?$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'es6' } },
  ],
};
const common = { extensionsToTreatAsEsm: ['.ts'], transform, testEnvironment: 'node' };
const withStack = {
  ...common,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

export default {
  // One worker: the e2e tests share the mock API's fault rules, which are global to it.
  maxWorkers: 1,
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    // The local runtime and the dev tooling (throttle, data directory, demo data, the admin app's
    // server, the compose file): no stack, no network beyond loopback, as fast as unit.
    {
      ...common,
      displayName: 'local',
      setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
      testMatch: ['<rootDir>/test/local/**/*.test.ts'],
    },
    { ...withStack, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    {
      ...withStack,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/isolated/'],
    },
    // End-to-end tests that start stacks of their own (restart, throttle): they need neither the
    // shared stack nor its mock, so `npm test` runs them beside unit and infra.
    { ...common, displayName: 'e2e-isolated', testMatch: ['<rootDir>/test/e2e/isolated/**/*.test.ts'] },
  ],
};
