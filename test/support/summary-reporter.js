// Ends the run with one plain line, "tests: N passed, N failed, N skipped", that CI tooling can read. It is written
// when the process exits so that it comes after jest's own summary. Before it, the slowest test files, since the
// whole run's length is what keeps CI within its time.
'use strict';
const { writeSync } = require('node:fs');
const { relative } = require('node:path');

const SLOWEST = 12;

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numRuntimeErrorTestSuites } = results;
    const files = results.testResults
      .map((file) => ({
        path: relative(process.cwd(), file.testFilePath),
        ms: file.perfStats.end - file.perfStats.start,
      }))
      .filter((file) => Number.isFinite(file.ms))
      .sort((a, b) => b.ms - a.ms);
    const total = files.reduce((sum, file) => sum + file.ms, 0);
    const slowest =
      files.length > 1
        ? `slowest test files (of ${files.length}, ${(total / 1000).toFixed(0)} s in all):\n` +
          files
            .slice(0, SLOWEST)
            .map((file) => `  ${(file.ms / 1000).toFixed(1).padStart(6)} s  ${file.path}`)
            .join('\n') +
          '\n'
        : '';
    const line = `tests: ${numPassedTests} passed, ${numFailedTests + numRuntimeErrorTestSuites} failed, ${numPendingTests + numTodoTests} skipped\n`;
    process.once('exit', () => writeSync(1, slowest + line));
  }
}

module.exports = SummaryReporter;
