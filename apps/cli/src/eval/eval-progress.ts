import { createLogUpdate } from 'log-update';
import pc from 'picocolors';
import type { RunProgress } from './eval-runner.js';

const BAR_WIDTH = 24;

/** `[#######.........] 12/40 answers · 0/24 judgements · 1 failed · $0.0123 of $1.00` */
export function progressLine(progress: RunProgress): string {
  const { answers, judgements } = progress;
  const done = answers.done + judgements.done;
  const total = answers.total + judgements.total;
  const filled = total === 0 ? BAR_WIDTH : Math.round((BAR_WIDTH * done) / total);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  const parts = [
    `${bar} ${answers.done}/${answers.total} answers`,
    ...(judgements.total > 0 ? [`${judgements.done}/${judgements.total} judgements`] : []),
    ...(progress.failed > 0 ? [pc.red(`${progress.failed} failed`)] : []),
    `${usd(progress.spentUsd)}${progress.budgetUsd === undefined ? ' spent' : ` of ${usd(progress.budgetUsd)}`}`,
  ];
  return parts.join(pc.dim(' · '));
}

export function usd(value: number): string {
  return `$${value < 1 ? value.toFixed(4) : value.toFixed(2)}`;
}

/** Redrawn in place on a terminal; elsewhere (pipes, CI) one line each time another tenth of the work is done. */
export class EvalProgressView {
  private readonly log: ReturnType<typeof createLogUpdate> | undefined;
  private lastTenth = -1;

  constructor(
    stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number },
    private readonly note: (text: string) => void,
  ) {
    this.log = stream.isTTY && stream.columns ? createLogUpdate(stream) : undefined;
  }

  update(progress: RunProgress): void {
    if (this.log) {
      this.log(progressLine(progress));
      return;
    }
    const done = progress.answers.done + progress.judgements.done;
    const total = progress.answers.total + progress.judgements.total;
    const tenth = total === 0 ? 10 : Math.floor((10 * done) / total);
    if (tenth === this.lastTenth) return;
    this.lastTenth = tenth;
    this.note(progressLine(progress));
  }

  stop(): void {
    this.log?.done();
  }
}
