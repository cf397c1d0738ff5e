import type { ModelCallJob } from '@ultra/contracts';
import type { DeltaEnd, DeltaOutcome, DeltaPublisher, DeltaSink } from '../streaming/delta-publisher.service';

/**
 * The push events of one attempt of a task, which may span several calls (the model, then its fallbacks): each
 * call streams under the task's model and ends with `retrying` when another call may follow, and the attempt
 * always ends with one final status. The calls share one sink, so their events stay in order. Nothing is written
 * for a task that does not stream.
 */
export class AttemptStream {
  private last?: DeltaOutcome;
  private sink?: DeltaSink;

  constructor(
    private readonly deltas: DeltaPublisher | undefined,
    private readonly call: ModelCallJob,
    private readonly attempt: number,
  ) {}

  /**
   * A sink for one call's deltas; undefined when the task does not stream. Not awaited: the answer travels in the
   * job's result, and an end event is sent before the task returns (see DeltaPublisher), which keeps it in order.
   */
  open(): DeltaSink | undefined {
    if (!this.deltas) return undefined;
    this.sink ??= this.deltas.open(this.call.analysisId, this.call, this.attempt);
    const sink = this.sink;
    return {
      push: (text) => sink.push(text),
      close: (outcome, end) => this.close(sink, outcome, end),
    };
  }

  /** The whole text at once (an answer from the cache), then `done`. */
  replay(text: string | null, end?: DeltaEnd): void {
    const sink = this.open();
    if (text) sink?.push(text);
    void sink?.close('done', end);
  }

  /** Ends the attempt with `outcome` unless its last call already did. */
  finish(outcome: DeltaOutcome, end?: DeltaEnd): void {
    if (this.deltas && this.last !== outcome) void this.open()?.close(outcome, end);
  }

  private close(sink: DeltaSink, outcome: DeltaOutcome, end?: DeltaEnd): Promise<unknown> {
    this.last = outcome;
    return sink.close(outcome, end);
  }
}
