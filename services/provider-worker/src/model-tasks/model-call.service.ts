import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCategory,
  type ModelCallJob,
  type ModelCallResult,
  type OutputError,
  retryableCategories,
} from '@ultra/contracts';
import { APP_CONFIG } from '@ultra/platform';
import { PinoLogger } from 'nestjs-pino';
import type { WorkerConfig } from '../config/worker.config';
import { ProviderError } from '../providers/llm-provider';
import { ProviderRegistry } from '../providers/provider-registry';
import { type DeltaOutcome, DeltaPublisher } from '../streaming/delta-publisher.service';
import { PricingService } from '../usage/pricing.service';
import { CancellationService } from './cancellation.service';

export interface AttemptInfo {
  /** 0 on the first run. */
  attemptsMade: number;
  maxAttempts: number;
}

function toProviderError(model: string, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(ErrorCategory.Internal, `${model}: ${message}`);
}

/** Aborts when the analysis' deadline passes; undefined when the call has none. */
function deadlineSignal(deadlineAt: number | undefined): AbortSignal | undefined {
  if (deadlineAt === undefined) return undefined;
  return AbortSignal.timeout(Math.max(0, deadlineAt - Date.now()));
}

/**
 * Runs one model call. Retryable failures are thrown while attempts remain, so BullMQ backs off and retries;
 * otherwise a failure is returned as a failed result naming the model and category, so the stage completes.
 */
@Injectable()
export class ModelCallService {
  constructor(
    private readonly registry: ProviderRegistry,
    private readonly pricing: PricingService,
    private readonly deltas: DeltaPublisher,
    private readonly cancellation: CancellationService,
    @Inject(APP_CONFIG) private readonly config: WorkerConfig,
    private readonly logger: PinoLogger,
  ) {}

  async run(call: ModelCallJob, attempt: AttemptInfo): Promise<ModelCallResult> {
    const started = performance.now();
    const timeoutMs = Math.min(
      call.options.timeoutMs ?? this.config.MODEL_CALL_TIMEOUT_MS,
      this.config.MODEL_CALL_TIMEOUT_MS,
    );
    const deadline = deadlineSignal(call.options.deadlineAt);
    const cancellation = this.cancellation.track(call.analysisId);
    const signal = AbortSignal.any([
      AbortSignal.timeout(timeoutMs),
      cancellation.signal,
      ...(deadline ? [deadline] : []),
    ]);
    const stream = call.options.stream ?? true;
    const sink = stream
      ? this.deltas.open(call.analysisId, call.stage, call.model, attempt.attemptsMade + 1)
      : undefined;
    // Not awaited: the answer travels in the job's result; the delta stream only mirrors it for live viewers.
    const close = (outcome: DeltaOutcome) => void sink?.close(outcome);
    try {
      const { provider, model } = this.registry.resolve(call.model);
      const response = await provider.complete(
        {
          model,
          messages: call.messages,
          temperature: call.options.temperature,
          maxOutputTokens: call.options.maxOutputTokens,
          stream,
        },
        signal,
        { onDelta: sink && ((text) => sink.push(text)) },
      );
      const latencyMs = Math.round(performance.now() - started);
      const usage = { ...response.usage, costUsd: this.pricing.costOf(call.model, response.usage) };
      this.logger.info({ model: call.model, stage: call.stage, latencyMs, usage }, 'model call completed');
      close('done');
      return { model: call.model, status: 'completed', ...response, usage, error: null, latencyMs };
    } catch (raw) {
      // Past the analysis' deadline nothing is retried: the analysis is over whatever this call does.
      const error = cancellation.signal.aborted
        ? new ProviderError(ErrorCategory.Cancelled, `${call.model}: aborted, the analysis was cancelled`)
        : deadline?.aborted
          ? new ProviderError(ErrorCategory.Cancelled, `${call.model}: aborted, the analysis deadline passed`)
          : signal.aborted
            ? new ProviderError(ErrorCategory.Timeout, `${call.model} did not answer within ${timeoutMs} ms`)
            : toProviderError(call.model, raw);
      const willRetry = retryableCategories.has(error.category) && attempt.attemptsMade + 1 < attempt.maxAttempts;
      this.logger.warn(
        {
          model: call.model,
          stage: call.stage,
          category: error.category,
          attempt: attempt.attemptsMade + 1,
          willRetry,
        },
        `model call failed: ${error.message}`,
      );
      close(willRetry ? 'retrying' : 'failed');
      if (willRetry) throw error;
      const failure: OutputError = { category: error.category, message: error.message };
      return {
        model: call.model,
        status: 'failed',
        text: null,
        error: failure,
        latencyMs: Math.round(performance.now() - started),
        usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
        finishReason: null,
      };
    } finally {
      cancellation.release();
    }
  }
}
