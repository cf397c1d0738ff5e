import type { AnalysisView } from '@ultra/contracts';
import pc from 'picocolors';
import type { ApiClient } from '../api-client.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { formatAnalysis } from '../render/analysis-text.js';
import { renderMarkdown } from '../render/terminal-text.js';
import { followAnalysis } from './analysis-follower.js';
import { PlainProgressView, type ProgressView, TerminalProgressView } from './progress-view.js';

const silent: ProgressView = { update: () => undefined, stop: () => undefined };

/**
 * Follows an analysis to its end. Ctrl-C stops watching, not the analysis: it exits 130 at once and says how to
 * pick it up again. With --json nothing but the final JSON is printed.
 */
export async function watchAnalysis(
  ctx: CliContext,
  client: ApiClient,
  id: string,
  json: boolean,
): Promise<AnalysisView> {
  let view: ProgressView = silent;
  // Registered before the view exists, so it runs before the exit hook log-update installs (which would kill the
  // process first), and finishes synchronously: nothing is left to wait for.
  const interrupt = () => {
    view.stop();
    ctx.note(
      pc.red(
        `ultra: interrupted: analysis ${id} keeps running. ` +
          `Follow it with \`ultra show ${id}\`, stop it with \`ultra cancel ${id}\`.`,
      ),
    );
    process.exit(ExitCode.Interrupted);
  };
  process.on('SIGINT', interrupt);
  try {
    if (!json) view = progressView(ctx);
    const onPolling = json ? undefined : () => ctx.note(`no live event stream at ${client.url}: polling for progress`);
    return await followAnalysis(client, id, view, { onPolling });
  } finally {
    process.off('SIGINT', interrupt);
  }
}

/** Redrawn in place on a terminal with a size; plain lines otherwise (pipes, CI logs, a pty of size 0). */
function progressView(ctx: CliContext): ProgressView {
  const { stderr } = ctx.io;
  if (stderr.isTTY && stderr.columns && stderr.rows) {
    return new TerminalProgressView(stderr as NodeJS.WriteStream);
  }
  return new PlainProgressView((text) => ctx.note(text));
}

/** The end of `analyze`: the answer on stdout (rendered), or the error; exit 1 when the analysis failed. */
export function reportFinal(ctx: CliContext, view: AnalysisView, options: { json: boolean; full: boolean }): void {
  if (options.json) ctx.printJson(view);
  else if (options.full) ctx.print(formatAnalysis(view, ctx.io.stdout.columns));
  else if (view.result) ctx.print(renderMarkdown(view.result.text, ctx.io.stdout.columns));
  if (view.status === 'failed') {
    const error = view.error ? `${view.error.code}: ${view.error.message}` : 'failed';
    throw new CliError(`analysis ${view.id} failed: ${error}`, ExitCode.AnalysisFailed);
  }
}
