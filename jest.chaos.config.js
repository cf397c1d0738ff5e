// `npm run test:chaos`: the chaos suite (test/chaos), kept out of `npm test` because it kills and restarts
// services, Redis and Postgres for minutes. Same TypeScript transform and module mapping as jest.config.js.
const base = require('./jest.config.js');

// The unit project's settings without its name and test files.
const shared = { ...base.projects[0] };
delete shared.displayName;
delete shared.testMatch;

module.exports = {
  // One scenario's budget: start-up, 100 analyses, the fault, the drain, the audit.
  testTimeout: 300_000,
  reporters: base.reporters,
  projects: [{ ...shared, displayName: 'chaos', testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'] }],
};
