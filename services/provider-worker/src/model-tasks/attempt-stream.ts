import type { ModelCallJob } from '@ultra/contracts';
import type { DeltaOutcome, DeltaPublisher, DeltaSink } from '../streaming/delta-publisher.service';

/**
 * The delta stream of one attempt of a task, which may span several calls (the model, then its fallbacks): each
 * call streams under the task's model and ends with `retrying` when another call may follow, and the attempt
 * always ends with one final status. Nothing is written for a task that does not stream.
 */
export class AttemptStream {
  private last?: DeltaOutcome;

  constructor(
    private readonly deltas: DeltaPublisher | undefined,
    private readonly call: ModelCallJob,
    private readonly attempt: number,
  ) {}

  /** A sink for one call's deltas; undefined when the task does not stream. */
  open(): (DeltaSink & { end(outcome: DeltaOutcome): void }) | undefined {
    if (!this.deltas) return undefined;
    const sink = this.deltas.open(this.call.analysisId, this.call, this.attempt);
    return {
      push: (text) => sink.push(text),
      close: (outcome) => this.close(sink, outcome),
      // Not awaited: the answer travels in the job's result; the stream only mirrors it for live viewers.
      end: (outcome) => void this.close(sink, outcome),
    };
  }

  /** The whole text at once (an answer from the cache), then `done`. */
  replay(text: string | null): void {
    const sink = this.open();
    if (text) sink?.push(text);
    sink?.end('done');
  }

  /** Ends the attempt with `outcome` unless its last call already did. */
  finish(outcome: DeltaOutcome): void {
    if (this.deltas && this.last !== outcome) this.open()?.end(outcome);
  }

  private close(sink: DeltaSink, outcome: DeltaOutcome): Promise<unknown> {
    this.last = outcome;
    return sink.close(outcome);
  }
}
