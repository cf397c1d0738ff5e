import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import type { CliContext } from '../context.js';
import { getAnalysis } from '../follow/analysis-follower.js';
import { reportFinal, watchAnalysis } from '../follow/watch.js';

interface ExportFlags {
  format?: 'markdown' | 'json' | 'csv';
  output?: string;
  json?: boolean;
}

interface ShowFlags {
  json?: boolean;
  follow?: boolean;
}

/** `ultra show`, `ultra cancel` and `ultra export`: one analysis by id. */
export function registerAnalyses(program: Command, ctx: CliContext): void {
  program
    .command('show')
    .argument('<id>', 'analysis id')
    .description('show an analysis: its stages and final answer; follows it live while it runs')
    .option('--no-follow', 'print the current state of a running analysis instead of following it')
    .option('--json', "print the API's JSON of the analysis as it is now (no following)")
    .action(async (id: string, flags: ShowFlags) => {
      const client = await ctx.client();
      let view = await getAnalysis(client, id);
      const running = view.status === 'queued' || view.status === 'running';
      if (running && !flags.json && flags.follow !== false) view = await watchAnalysis(ctx, client, id, false);
      reportFinal(ctx, view, { json: flags.json === true, full: true });
    });

  program
    .command('cancel')
    .argument('<id>', 'analysis id')
    .description('cancel a running analysis (it ends as failed with code `cancelled`)')
    .option('--json', "print the API's JSON answer")
    .action(async (id: string, flags: { json?: boolean }) => {
      const client = await ctx.client();
      const answer = await client.json<{ id: string; status: string }>(
        'POST',
        `/api/analyses/${encodeURIComponent(id)}/cancel`,
      );
      if (flags.json) ctx.printJson(answer);
      else ctx.print(`analysis ${answer.id}: ${answer.status}`);
    });

  program
    .command('export')
    .argument('<id>', 'analysis id')
    .description('export an analysis as Markdown, JSON or CSV (stdout, or a file with -o)')
    .addOption(new Option('-f, --format <format>', 'export format').choices(['markdown', 'json', 'csv']))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--json', 'the same as --format json')
    .action(async (id: string, flags: ExportFlags) => {
      const format = flags.format ?? (flags.json ? 'json' : 'markdown');
      const client = await ctx.client();
      const { body } = await client.text(`/api/analyses/${encodeURIComponent(id)}/export`, {
        query: { format },
        headers: { accept: '*/*' },
      });
      if (flags.output) {
        await writeFile(flags.output, body);
        ctx.note(`wrote ${flags.output} (${format}, ${Buffer.byteLength(body)} bytes)`);
      } else {
        ctx.io.stdout.write(body);
      }
    });
}
