import { createLogUpdate } from 'log-update';
import pc from 'picocolors';
import type { ModelProgress, Progress } from './progress-state.js';

/** Where progress goes: redrawn in place on a terminal, or one line per milestone for logs and pipes. */
export interface ProgressView {
  /** After each event: `line` is the milestone it made, if any. */
  update(progress: Progress, line: string | undefined): void;
  stop(): void;
}

const spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function stateText(row: ModelProgress, frame: number): string {
  switch (row.state) {
    case 'waiting':
      return pc.dim('· waiting');
    case 'streaming':
      return pc.cyan(`${spinner[frame % spinner.length]} streaming`);
    case 'retrying':
      return pc.yellow(`↻ retrying (attempt ${row.attempt})`);
    case 'done':
      return pc.green('✔ done');
    case 'failed':
      return pc.red(`✖ ${row.error ?? 'failed'}`);
  }
}

/** The lines drawn on a terminal: a header, then one line per model with its stage, tokens and state. */
export function renderProgress(progress: Progress, elapsedMs: number, frame = 0): string {
  const rows = [...progress.rows.values()];
  const name = (row: ModelProgress) => `${row.model}${row.sample > 0 ? `#${row.sample}` : ''}`;
  const nameWidth = Math.max(5, ...rows.map((r) => name(r).length));
  const stageWidth = Math.max(5, ...rows.map((r) => r.stage.length));
  const header = [
    pc.bold(`analysis ${progress.analysisId}`),
    progress.status,
    progress.stage ? `stage ${progress.stage}` : undefined,
    `${(elapsedMs / 1000).toFixed(1)}s`,
  ]
    .filter(Boolean)
    .join(pc.dim(' · '));
  const lines = rows.map((row) => {
    const tokens = `${row.exact ? '' : '~'}${row.tokens} tok`.padStart(10);
    return `  ${name(row).padEnd(nameWidth)}  ${pc.dim(row.stage.padEnd(stageWidth))}  ${tokens}  ${stateText(row, frame)}`;
  });
  return [header, ...lines].join('\n');
}

/** Redraws in place (log-update) about ten times a second, so a spinner and the clock move between events. */
export class TerminalProgressView implements ProgressView {
  private readonly log: ReturnType<typeof createLogUpdate>;
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout;
  private frame = 0;
  private last: Progress | undefined;

  constructor(stream: NodeJS.WriteStream) {
    this.log = createLogUpdate(stream);
    this.timer = setInterval(() => this.draw(), 100);
    this.timer.unref();
  }

  update(progress: Progress): void {
    this.last = progress;
  }

  stop(): void {
    clearInterval(this.timer);
    this.draw();
    this.log.done();
  }

  private draw(): void {
    if (this.last) this.log(renderProgress(this.last, Date.now() - this.started, this.frame++));
  }
}

/** Not a terminal: each milestone on its own line, no escape codes, nothing per token. */
export class PlainProgressView implements ProgressView {
  constructor(private readonly write: (text: string) => void) {}

  update(_progress: Progress, line: string | undefined): void {
    if (line) this.write(`${line}\n`);
  }

  stop(): void {}
}
