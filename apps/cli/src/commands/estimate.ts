import type { AnalysisEstimate } from '@ultra/contracts';
import type { Command } from 'commander';
import pc from 'picocolors';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { type AnalyzeFlags, analyzeBody } from '../options.js';
import { range, table, usd } from '../render/terminal-text.js';
import { analysisOptions } from './analyze.js';

export function registerEstimate(program: Command, ctx: CliContext): void {
  analysisOptions(
    program
      .command('estimate')
      .argument('<prompt>', 'the question')
      .description('estimate the calls, tokens, cost and duration of an analysis without running it'),
  )
    .option('--json', "print the API's JSON")
    .action(async (prompt: string, flags: AnalyzeFlags & { json?: boolean }) => {
      if (!flags.models) throw new CliError('estimate needs --models', ExitCode.Usage);
      const client = await ctx.client();
      const estimate = await client.json<AnalysisEstimate>('POST', '/api/analyze/estimate', {
        body: analyzeBody(prompt, flags),
      });
      if (flags.json) return ctx.printJson(estimate);
      ctx.print(formatEstimate(estimate));
    });
}

export function formatEstimate(e: AnalysisEstimate): string {
  const params = Object.entries(e.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return [
    `${pc.bold('pattern')} ${e.pattern}${params ? ` (${params})` : ''}  ${pc.bold('calls')} ${e.calls}`,
    `${pc.bold('cost')} ${range(e.total.costUsd, usd)}  ${pc.bold('tokens')} ${range(e.total.inputTokens)} in / ${range(e.total.outputTokens)} out  ${pc.bold('duration')} ${range(e.expectedDurationS)} s`,
    '',
    table(
      ['STAGE', 'KIND', 'ROUNDS', 'CALLS', 'TOKENS IN', 'TOKENS OUT'],
      e.stages.map((s) => [
        s.id,
        s.kind,
        String(s.rounds),
        String(s.calls),
        range(s.inputTokens),
        range(s.outputTokens),
      ]),
    ),
    '',
    table(
      ['MODEL', 'CALLS', 'TOKENS IN', 'TOKENS OUT', 'COST'],
      e.models.map((m) => [
        m.model,
        String(m.calls),
        range(m.inputTokens),
        range(m.outputTokens),
        range(m.costUsd, usd),
      ]),
    ),
    ...e.assumptions.map((a) => pc.dim(`· ${a}`)),
  ].join('\n');
}
