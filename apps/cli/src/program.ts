import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { registerAnalyses } from './commands/analyses.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerCatalog } from './commands/catalog.js';
import { registerEstimate } from './commands/estimate.js';
import { registerEval } from './commands/eval.js';
import { registerHistory } from './commands/history.js';
import { registerLogin } from './commands/login.js';
import { DEFAULT_URL } from './config/config-store.js';
import type { CliContext } from './context.js';
import { ApiError, type ExitCode, ExitCode as Code, exitCodeFor, exitCodeHelp } from './exit-codes.js';

const environmentHelp = `Environment:
  ULTRA_URL        API base URL (default ${DEFAULT_URL}); overrides the one stored by \`ultra login\`
  ULTRA_TOKEN      access token; overrides the stored one
  XDG_CONFIG_HOME  where config.json lives: $XDG_CONFIG_HOME/ultra (default ~/.config/ultra)`;

const examples = `Examples:
  ultra login --email me@example.com
  ultra analyze "Why is the sky blue?" --pattern critique --models mock:alpha,mock:beta,mock:gamma
  ultra analyze "Summarise this" --models mock:alpha --doc report.pdf --json
  ultra history --status failed --limit 5
  ultra export <id> --format markdown -o analysis.md
  ultra eval --suite arithmetic --patterns critique,council --models mock:alpha,mock:beta,mock:gamma --budget-usd 2`;

export function buildProgram(ctx: CliContext, version: string): Command {
  const program = new Command('ultra')
    .description('Ultra from the command line: run analyses across several LLMs, follow them live, read the results.')
    .version(version)
    // Commander would call process.exit itself; errors come back here so that every exit code is ours.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
    })
    .showHelpAfterError('(run `ultra --help` for usage)')
    .addHelpText('after', `\n${environmentHelp}\n\n${exitCodeHelp}\n\n${examples}\n`);
  registerLogin(program, ctx);
  registerAnalyze(program, ctx);
  registerAnalyses(program, ctx);
  registerHistory(program, ctx);
  registerCatalog(program, ctx);
  registerEstimate(program, ctx);
  registerEval(program, ctx);
  return program;
}

/** Runs one command line and returns the exit code; errors are reported on stderr in one line (plus details). */
export async function runCli(argv: string[], ctx: CliContext, version: string): Promise<ExitCode> {
  const program = buildProgram(ctx, version);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return Code.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end through here too, with exit code 0; everything else is a usage error.
      return error.exitCode === 0 ? Code.Ok : Code.Usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    const status = error instanceof ApiError ? ` (${error.code}, HTTP ${error.status})` : '';
    ctx.note(pc.red(`ultra: ${message}${status}`));
    if (error instanceof ApiError && error.details !== undefined) ctx.note(JSON.stringify(error.details, null, 2));
    return exitCodeFor(error);
  }
}
