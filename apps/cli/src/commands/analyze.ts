import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AnalyzeAccepted } from '@ultra/contracts';
import type { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { reportFinal, watchAnalysis } from '../follow/watch.js';
import { type AnalyzeFlags, analyzeBody, collect, parseList, parseParam } from '../options.js';

interface AnalyzeCommandFlags extends AnalyzeFlags {
  doc?: string[];
  followUp?: string;
  json?: boolean;
  detach?: boolean;
}

/** The flags analyze and estimate share. */
export function analysisOptions(command: Command): Command {
  return command
    .option('-p, --pattern <id>', 'analysis pattern (see `ultra patterns`; default: confidence)')
    .option('-m, --models <ids>', 'comma-separated model ids (see `ultra models`)', parseList)
    .option('-u, --ultra <id>', 'the model that synthesizes the answer (default: the first model)')
    .option('--param <name=number>', 'a pattern parameter, e.g. --param layers=3 (repeatable)', parseParam)
    .option('--no-cache', 'do not answer any call from the response cache');
}

export function registerAnalyze(program: Command, ctx: CliContext): void {
  analysisOptions(
    program
      .command('analyze')
      .argument('<prompt>', 'the question')
      .description('run an analysis and show its progress live'),
  )
    .option('-d, --doc <file>', 'attach a document (text, Markdown or PDF; repeatable)', collect)
    .option('--follow-up <id>', 'ask in the thread of an earlier analysis (its models and pattern by default)')
    .option('--detach', 'print the new analysis id and exit without waiting')
    .option('--json', "print the final analysis as the API's JSON (no progress, no colours)")
    .action((prompt: string, flags: AnalyzeCommandFlags) => analyze(ctx, prompt, flags));
}

async function analyze(ctx: CliContext, prompt: string, flags: AnalyzeCommandFlags): Promise<void> {
  if (!flags.followUp && !flags.models) {
    throw new CliError(
      'analyze needs --models (e.g. --models mock:alpha,mock:beta), or --follow-up <id>',
      ExitCode.Usage,
    );
  }
  const files = await readDocuments(flags.doc ?? []);
  const client = await ctx.client();
  const documentIds: string[] = [];
  for (const file of files) {
    const document = await client.upload<{ id: string; name?: string }>('/api/documents', file.name, file.content);
    documentIds.push(document.id);
    if (!flags.json) ctx.note(`uploaded ${file.name} as document ${document.id}`);
  }
  const accepted = await submit(client, prompt, flags, documentIds);
  if (flags.detach) {
    if (flags.json) ctx.printJson(accepted);
    else ctx.print(accepted.id);
    return;
  }
  if (!flags.json) ctx.note(`analysis ${accepted.id} queued`);
  const final = await watchAnalysis(ctx, client, accepted.id, flags.json === true);
  reportFinal(ctx, final, { json: flags.json === true, full: false });
}

function submit(
  client: ApiClient,
  prompt: string,
  flags: AnalyzeCommandFlags,
  documentIds: string[],
): Promise<AnalyzeAccepted> {
  const body = analyzeBody(prompt, flags, documentIds);
  if (!flags.followUp) return client.json<AnalyzeAccepted>('POST', '/api/analyze', { body });
  return client.json<AnalyzeAccepted>('POST', `/api/analyses/${encodeURIComponent(flags.followUp)}/follow-ups`, {
    body,
  });
}

/** Read before anything is sent, so a mistyped path fails as a usage error with nothing started. */
async function readDocuments(paths: string[]): Promise<{ name: string; content: Uint8Array }[]> {
  return Promise.all(
    paths.map(async (path) => {
      try {
        return { name: basename(path), content: await readFile(path) };
      } catch (error) {
        throw new CliError(
          `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
          ExitCode.Usage,
        );
      }
    }),
  );
}
