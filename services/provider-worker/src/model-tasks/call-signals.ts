import { ErrorCategory, type ModelCallJob } from '@ultra/contracts';
import { ProviderError } from '../providers/llm-provider';
import type { CallCancellation } from './cancellation.service';

/** Aborts when a deadline (epoch ms) passes, at once if it already has; undefined when there is none. */
function deadlineSignal(deadlineAt: number | undefined): AbortSignal | undefined {
  if (deadlineAt === undefined) return undefined;
  const left = deadlineAt - Date.now();
  return left > 0 ? AbortSignal.timeout(left) : AbortSignal.abort();
}

function toProviderError(model: string, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(ErrorCategory.Internal, `${model}: ${message}`);
}

/**
 * Everything that may end one task's calls: the user's cancellation, the analysis' deadline and the stage's time
 * limit, shared by every call of the task (fallbacks too), and each call's own timeout.
 */
export class CallSignals {
  readonly timeoutMs: number;
  /** The earliest of the analysis' and the stage's deadlines: no wait for a provider's limits may go past it. */
  readonly waitDeadline: number;
  /** Aborts when the task must stop: cancelled, or out of time. */
  readonly shared: AbortSignal;
  private readonly deadline?: AbortSignal;
  private readonly stageDeadline?: AbortSignal;

  constructor(
    call: ModelCallJob,
    maxTimeoutMs: number,
    private readonly cancellation: CallCancellation,
  ) {
    this.timeoutMs = Math.min(call.options.timeoutMs ?? maxTimeoutMs, maxTimeoutMs);
    this.deadline = deadlineSignal(call.options.deadlineAt);
    this.stageDeadline = deadlineSignal(call.options.stageDeadlineAt);
    this.waitDeadline = Math.min(call.options.deadlineAt ?? Infinity, call.options.stageDeadlineAt ?? Infinity);
    this.shared = AbortSignal.any([
      cancellation.signal,
      ...(this.deadline ? [this.deadline] : []),
      ...(this.stageDeadline ? [this.stageDeadline] : []),
    ]);
  }

  /** The signal of one provider call: the task's, plus the call's own timeout. */
  forCall(): AbortSignal {
    return AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.shared]);
  }

  /** The analysis or the stage has run out of time, or was cancelled: nothing more is tried for this task. */
  get timeIsUp(): boolean {
    return this.shared.aborted;
  }

  release(): void {
    this.cancellation.release();
  }

  /**
   * Why a call failed. An abort is named by the signal that caused it, most decisive first: a cancelled analysis,
   * then its deadline, then the stage's time limit, then the call's own timeout; anything else is the provider's.
   */
  failure(model: string, raw: unknown, callSignal: AbortSignal): ProviderError {
    if (this.cancellation.signal.aborted)
      return new ProviderError(ErrorCategory.Cancelled, `${model}: aborted, the analysis was cancelled`);
    if (this.deadline?.aborted)
      return new ProviderError(ErrorCategory.Cancelled, `${model}: aborted, the analysis deadline passed`);
    if (this.stageDeadline?.aborted)
      return new ProviderError(ErrorCategory.Timeout, `${model}: the stage's time limit passed`);
    if (callSignal.aborted)
      return new ProviderError(ErrorCategory.Timeout, `${model} did not answer within ${this.timeoutMs} ms`);
    return toProviderError(model, raw);
  }
}
