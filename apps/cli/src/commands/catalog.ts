import type { ModelInfo, PatternInfo } from '@ultra/contracts';
import type { Command } from 'commander';
import pc from 'picocolors';
import type { CliContext } from '../context.js';
import { table, truncate } from '../render/terminal-text.js';

const modelStatus = (status: string): string =>
  status === 'ready' ? pc.green(status) : status === 'degraded' ? pc.yellow(status) : pc.dim(status);

/** `ultra patterns` and `ultra models`: what an analysis can be run with. */
export function registerCatalog(program: Command, ctx: CliContext): void {
  program
    .command('patterns')
    .description('list the analysis patterns: built-in and your own, with their stages and parameters')
    .option('--json', "print the API's JSON")
    .action(async (flags: { json?: boolean }) => {
      const client = await ctx.client();
      const answer = await client.json<{ patterns: PatternInfo[] }>('GET', '/api/patterns');
      if (flags.json) return ctx.printJson(answer);
      const params = (p: PatternInfo) =>
        Object.entries(p.params)
          .map(([name, spec]) => `${name}=${spec.default} (${spec.min}-${spec.max})`)
          .join(', ');
      ctx.print(
        table(
          ['ID', 'SOURCE', 'STAGES', 'PARAMS', 'DESCRIPTION'],
          answer.patterns.map((p) => [
            pc.bold(p.id),
            p.source,
            p.stages.map((s) => s.id).join(' → '),
            params(p),
            truncate(p.description, 60),
          ]),
        ),
      );
    });

  program
    .command('models')
    .description('list the models of the catalog and whether each is ready')
    .option('--json', "print the API's JSON")
    .action(async (flags: { json?: boolean }) => {
      const client = await ctx.client();
      const answer = await client.json<{ models: ModelInfo[] }>('GET', '/api/available-models');
      if (flags.json) return ctx.printJson(answer);
      ctx.print(
        table(
          ['ID', 'STATUS', 'NAME', 'FALLBACKS', 'NOTE'],
          answer.models.map((m) => [
            pc.bold(m.id),
            modelStatus(m.status),
            m.displayName,
            m.fallbacks.join(', '),
            m.reason ? truncate(m.reason, 60) : '',
          ]),
        ),
      );
    });
}
