// Ends the run with one plain line, "tests: N passed, N failed, N skipped", that CI tooling can read. It is written
// when the process exits so that it comes after jest's own summary.
'use strict';
const { writeSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numRuntimeErrorTestSuites } = results;
    const line = `tests: ${numPassedTests} passed, ${numFailedTests + numRuntimeErrorTestSuites} failed, ${numPendingTests + numTodoTests} skipped\n`;
    process.once('exit', () => writeSync(1, line));
  }
}

module.exports = SummaryReporter;
