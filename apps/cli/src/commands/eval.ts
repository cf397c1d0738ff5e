import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import pc from 'picocolors';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { armsOf, baselineOf } from '../eval/eval-arms.js';
import { EvalProgressView, usd } from '../eval/eval-progress.js';
import { renderMarkdown, renderSvg } from '../eval/eval-report.js';
import { EvalRunner } from '../eval/eval-runner.js';
import { estimatesOf, judgeOf, plannedCost } from '../eval/eval-setup.js';
import { EvalStore } from '../eval/eval-store.js';
import { summarize } from '../eval/eval-summary.js';
import { BUILTIN_SUITES, loadSuite } from '../eval/suite-loader.js';
import { UltraAsker } from '../eval/ultra-asker.js';
import { parseList, parsePositiveInt } from '../options.js';

interface EvalFlags {
  suite: string;
  patterns: string[];
  models?: string[];
  ultra?: string;
  judge?: string;
  baseline?: string;
  budgetUsd?: number;
  concurrency: number;
  limit?: number;
  out?: string;
  json?: boolean;
}

function parseUsd(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
    throw new InvalidArgumentError(`expected an amount of dollars above 0, got "${value}"`);
  }
  return number;
}

export function registerEval(program: Command, ctx: CliContext): void {
  program
    .command('eval')
    .description(
      'does a pattern beat the best single model, and at what cost? Runs a suite through each pattern and each model alone, scores the answers and writes a report',
    )
    .requiredOption(
      '-s, --suite <name|file>',
      `a built-in suite (${BUILTIN_SUITES.join(', ')}) or a file: JSONL, GSM8K JSONL, MMLU CSV (or folder), AlpacaEval JSON`,
    )
    .option(
      '--patterns <ids>',
      'comma-separated patterns to compare (direct = the models alone, always measured)',
      parseList,
      ['critique'],
    )
    .option('-m, --models <ids>', 'the panel: comma-separated model ids; each is also measured alone', parseList)
    .option('-u, --ultra <id>', 'the model that synthesizes the patterns’ answers (default: the first model)')
    .option('--judge <id>', 'the model that judges open answers (default: a ready model outside the panel)')
    .option('--baseline <arm>', 'what open answers are judged against: a model, an arm id, or "reference"')
    .option('--budget-usd <amount>', 'stop cleanly before spending more than this (answers and judging)', parseUsd)
    .option('-c, --concurrency <n>', 'analyses in flight at once', parsePositiveInt, 4)
    .option('--limit <n>', 'only the first n items of the suite', parsePositiveInt)
    .option('-o, --out <dir>', 'the run’s folder: answers.jsonl (resumable), report.md, report.json, report.svg')
    .option('--json', 'print the report as JSON instead of Markdown')
    .action((flags: EvalFlags) => runEval(ctx, flags));
}

async function runEval(ctx: CliContext, flags: EvalFlags): Promise<void> {
  if (!flags.models) throw new CliError('eval needs --models (e.g. --models mock:alpha,mock:beta)', ExitCode.Usage);
  const loaded = await loadSuite(flags.suite).catch((error: Error) => {
    throw new CliError(error.message, ExitCode.Usage);
  });
  const suite = flags.limit ? { ...loaded, items: loaded.items.slice(0, flags.limit) } : loaded;
  const arms = armsOf(flags.patterns, flags.models, flags.ultra);
  const open = suite.items.filter((i) => i.kind === 'open');
  const client = await ctx.client();
  const judge = open.length ? await judgeOf(client, flags.judge, flags.models) : null;
  const baseline = open.length
    ? baselineOf(
        flags.baseline,
        arms,
        open.every((i) => i.answer !== undefined),
      )
    : null;
  const estimates = await estimatesOf(client, suite, arms, judge);
  const dir = flags.out ?? join('ultra-eval', suite.name);
  const store = await EvalStore.open(dir, { suite: suite.name, arms, judge, baseline });

  ctx.note(
    `${pc.bold('eval')} ${suite.name}: ${suite.items.length} items × ${arms.length} arms (${arms.map((a) => a.id).join(', ')})` +
      (judge ? `, judged by ${judge} against ${baseline}` : '') +
      `; at most ${usd(plannedCost(suite, arms, estimates, baseline))} by Ultra's estimate` +
      (store.records.length ? `; resuming with ${store.records.length} records from ${dir}` : `; writing to ${dir}`),
  );
  const asker = new UltraAsker(client);
  const view = new EvalProgressView(ctx.io.stderr, (text) => ctx.note(text));
  const runner = new EvalRunner(
    asker,
    store,
    {
      suite,
      arms,
      judge,
      baseline,
      budgetUsd: flags.budgetUsd,
      concurrency: flags.concurrency,
      estimateUsd: estimates,
    },
    (progress) => view.update(progress),
  );
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  let outcome;
  try {
    outcome = await runner.run(abort.signal);
  } finally {
    process.off('SIGINT', interrupt);
    view.stop();
  }
  if (outcome.interrupted) {
    await asker.cancelInFlight();
    ctx.note(pc.yellow(`interrupted: ${store.records.length} records kept in ${dir}; run the same command to resume`));
  }
  const report = summarize({
    suite: suite.name,
    itemCount: suite.items.length,
    arms,
    records: store.records,
    baselineArmId: baseline,
    judge,
    stoppedByBudget: outcome.stoppedByBudget,
  });
  const markdown = renderMarkdown(report);
  await Promise.all([
    writeFile(join(dir, 'report.md'), markdown),
    writeFile(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`),
    writeFile(join(dir, 'report.svg'), renderSvg(report)),
  ]);
  if (outcome.stoppedByBudget) {
    ctx.note(
      pc.yellow(`stopped by the budget (${usd(flags.budgetUsd ?? 0)}): run again with a larger --budget-usd to go on`),
    );
  }
  if (flags.json) ctx.printJson(report);
  else ctx.print(markdown);
  ctx.note(`report: ${join(dir, 'report.md')} (and .json, .svg)`);
  if (outcome.interrupted) throw new CliError('interrupted', ExitCode.Interrupted);
}
