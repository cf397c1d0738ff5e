import type { AnalysisPage } from '@ultra/contracts';
import type { Command } from 'commander';
import pc from 'picocolors';
import type { CliContext } from '../context.js';
import { parsePositiveInt } from '../options.js';
import { table, truncate } from '../render/terminal-text.js';

interface HistoryFlags {
  status?: string;
  pattern?: string;
  model?: string;
  q?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
  json?: boolean;
}

export function registerHistory(program: Command, ctx: CliContext): void {
  program
    .command('history')
    .description('list your analyses, newest first')
    .option('--status <status>', 'queued, running, completed or failed')
    .option('--pattern <id>', 'only this pattern')
    .option('--model <id>', 'only analyses that used this model')
    .option('--q <text>', 'full-text search over prompts and answers')
    .option('--from <date>', 'created at or after (ISO 8601)')
    .option('--to <date>', 'created before (ISO 8601)')
    .option('--limit <n>', 'how many (1-100, default 20)', parsePositiveInt)
    .option('--cursor <cursor>', 'the next page, as printed after the list')
    .option('--json', "print the API's JSON")
    .action(async (flags: HistoryFlags) => {
      const client = await ctx.client();
      const { status, pattern, model, q, from, to, limit, cursor } = flags;
      const page = await client.json<AnalysisPage>('GET', '/api/analyses', {
        query: { status, pattern, model, q, from, to, limit, cursor },
      });
      if (flags.json) return ctx.printJson(page);
      if (page.analyses.length === 0) return ctx.print('no analyses');
      const width = Math.max(30, (ctx.io.stdout.columns ?? 120) - 100);
      ctx.print(
        table(
          ['ID', 'STATUS', 'PATTERN', 'MODELS', 'CREATED', 'PROMPT'],
          page.analyses.map((a) => [
            a.id,
            a.status,
            a.pattern,
            a.models.join(','),
            a.createdAt.slice(0, 19),
            truncate(a.prompt, width),
          ]),
        ),
      );
      if (page.nextCursor) ctx.note(pc.dim(`more: ultra history --cursor ${page.nextCursor}`));
    });
}
