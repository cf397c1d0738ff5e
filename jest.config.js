// Two projects: fast unit tests beside the code, and integration/e2e tests that need Redis, Postgres and
// built services. Both run TypeScript through swc with the same decorator settings as tsc.
const fs = require('node:fs');
const swc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] },
  moduleNameMapper: {
    // Sources import with .js extensions where Node's ESM rules want them (dynamic import); jest reads the .ts.
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^@ultra/contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^@ultra/platform$': '<rootDir>/libs/platform/src/index.ts',
    '^@ultra/platform/telemetry$': '<rootDir>/libs/platform/src/telemetry/index.ts',
    '^@ultra/fake-llm$': '<rootDir>/tools/fake-llm/src/index.ts',
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/.data/'],
};

module.exports = {
  // A project-level testTimeout is ignored by jest; the e2e tests need more than the default 5 s.
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,services,tools}/*/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      // test/deploy checks the deployment files against the build output, so it runs after the build too.
      testMatch: [
        '<rootDir>/{apps,libs,services,tools}/*/src/**/*.int-spec.ts',
        '<rootDir>/test/e2e/**/*.e2e-spec.ts',
        '<rootDir>/test/deploy/**/*.spec.ts',
      ],
    },
  ],
};
