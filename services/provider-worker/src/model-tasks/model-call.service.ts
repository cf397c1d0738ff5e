import { Inject, Injectable } from '@nestjs/common';
import {
  type BreakerSnapshot,
  ErrorCategory,
  type ModelCallJob,
  type ModelCallResult,
  validText,
} from '@ultra/contracts';
import { APP_CONFIG } from '@ultra/platform';
import { PinoLogger } from 'nestjs-pino';
import type { WorkerConfig } from '../config/worker.config';
import type { ProviderError } from '../providers/llm-provider';
import { CallRouter } from '../provider-keys/call-router.service';
import type { FallbackChains } from '../resilience/fallback-chains';
import { DeltaPublisher } from '../streaming/delta-publisher.service';
import { AttemptStream } from './attempt-stream';
import { CallSignals } from './call-signals';
import { CancellationService } from './cancellation.service';
import { ModelAttemptService } from './model-attempt.service';

/** Injection token of each model's fallbacks (see resilience/fallback-chains.ts). */
export const FALLBACK_CHAINS = Symbol('FALLBACK_CHAINS');

export interface AttemptInfo {
  /** 0 on the first run. */
  attemptsMade: number;
  maxAttempts: number;
}

/** Failures after which another model may still answer: not when the task was cancelled or ran out of time. */
const givesUp = (error: ProviderError, signals: CallSignals) =>
  signals.timeIsUp || error.category === ErrorCategory.Cancelled;

function breakerNote(breaker: BreakerSnapshot): string {
  const since = new Date(breaker.openedAt).toISOString();
  const state = breaker.state === 'half_open' ? 'half-open (its probe call is under way)' : 'open';
  return `the circuit breaker of ${breaker.scope} ${breaker.id} is ${state} since ${since}: ${breaker.reason}`;
}

/**
 * Runs one model-call task: the requested model, then its fallbacks, each through ModelAttemptService (cache,
 * breakers, limits, call). A model whose breaker is open is passed over without a call; one that fails for good
 * (a failure that is not retried, or its last attempt) hands over to the next fallback in the same attempt.
 * Retryable failures are thrown while attempts remain, so BullMQ backs off and retries; otherwise a failure is
 * returned as a failed result naming the model and category, so the stage completes.
 */
@Injectable()
export class ModelCallService {
  constructor(
    private readonly attempts: ModelAttemptService,
    private readonly router: CallRouter,
    private readonly deltas: DeltaPublisher,
    private readonly cancellation: CancellationService,
    @Inject(FALLBACK_CHAINS) private readonly fallbacks: FallbackChains,
    @Inject(APP_CONFIG) private readonly config: WorkerConfig,
    private readonly logger: PinoLogger,
  ) {}

  async run(call: ModelCallJob, attempt: AttemptInfo): Promise<ModelCallResult> {
    const started = performance.now();
    const signals = new CallSignals(call, this.config.MODEL_CALL_TIMEOUT_MS, this.cancellation.track(call.analysisId));
    const stream = new AttemptStream(
      (call.options.stream ?? true) ? this.deltas : undefined,
      call,
      attempt.attemptsMade + 1,
    );
    const chain = [call.model, ...(this.fallbacks.get(call.model) ?? [])];
    const lastAttempt = attempt.attemptsMade + 1 >= attempt.maxAttempts;
    // How the requested model fared (its breaker, or its failure), then the first failure of any model.
    let primary: { open?: BreakerSnapshot; failed?: ProviderError } = {};
    let failed: ProviderError | undefined;
    const notes: string[] = [];
    try {
      // A retry that starts after a deadline makes no call: the provider might answer before it sees the abort.
      if (signals.timeIsUp) primary = { failed: signals.failure(call.model, undefined, signals.shared) };
      failed = primary.failed;
      for (let i = 0; i < chain.length && !(failed && givesUp(failed, signals)); i++) {
        const model = chain[i];
        if (i > 0 && !(await this.router.canCall(call, model))) continue;
        const outcome = await this.attempts.try(call, model, {
          signals,
          stream,
          attempt: attempt.attemptsMade + 1,
          // Once a model has failed for good, its fallbacks get one call each, in this attempt.
          mayRetry: !lastAttempt && failed === undefined,
          waitInPlace: failed !== undefined,
          moreToTry: i < chain.length - 1,
        });
        if (outcome.kind === 'answered') return this.answered(call, model, outcome.result, notes[0], started);
        if (outcome.kind === 'open') {
          if (i === 0) primary = { open: outcome.breaker };
          notes.push(`${model} (${ErrorCategory.CircuitOpen}): ${breakerNote(outcome.breaker)}`);
        } else {
          if (i === 0) primary = { failed: outcome.error };
          failed ??= outcome.error;
          notes.push(`${model} failed (${outcome.error.category}): ${outcome.error.message}`);
        }
      }
      const result = this.failure(call, primary, notes, started);
      stream.finish('failed', { error: result.error ?? undefined });
      return result;
    } finally {
      signals.release();
    }
  }

  private answered(
    call: ModelCallJob,
    model: string,
    result: ModelCallResult,
    fallbackReason: string | undefined,
    started: number,
  ): ModelCallResult {
    const latencyMs = Math.round(performance.now() - started);
    const answered: ModelCallResult = {
      ...result,
      latencyMs,
      ...(model !== call.model && { answeredBy: model, fallbackReason: validText(fallbackReason ?? '').text }),
    };
    // Every call's line at debug: on the hot path its redaction costs more than the rest of the line's work, and the
    // metrics count the calls. A call worth an operator's attention (a fallback answered, data repaired or refused)
    // stays at info.
    const notable = answered.answeredBy !== undefined || answered.dataError !== undefined || !!answered.repairedChars;
    this.logger[notable ? 'info' : 'debug'](
      {
        model: call.model,
        ...(answered.answeredBy && { answeredBy: answered.answeredBy, fallbackReason }),
        stage: call.stage,
        sample: call.sample,
        latencyMs,
        usage: answered.usage,
        ...(answered.cached && { cached: true }),
        ...(answered.repairedChars && { repairedChars: answered.repairedChars }),
        dataError: answered.dataError,
        // Dropped by the logger's redaction unless LOG_PROMPTS=1 (libs/platform logging/log-hygiene.ts).
        prompt: call.messages,
        answer: answered.text,
      },
      'model call completed',
    );
    return answered;
  }

  /**
   * The task's failure: the requested model's own when it was called, else `circuit_open` naming the breaker
   * that stopped it, since when and why; what each fallback did follows in the message.
   */
  private failure(
    call: ModelCallJob,
    primary: { open?: BreakerSnapshot; failed?: ProviderError },
    notes: string[],
    started: number,
  ): ModelCallResult {
    const category = primary.failed?.category ?? ErrorCategory.CircuitOpen;
    const head = primary.failed?.message ?? `${call.model}: ${primary.open ? breakerNote(primary.open) : 'not called'}`;
    const rest = notes.slice(1);
    const message = rest.length ? `${head}; no fallback answered (${rest.join('; ')})` : head;
    return {
      model: call.model,
      sample: call.sample,
      status: 'failed',
      text: null,
      error: { category, message: validText(message).text },
      latencyMs: Math.round(performance.now() - started),
      usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
      finishReason: null,
    };
  }
}
