import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCategory,
  type ModelCallJob,
  type ModelCallResult,
  type OutputError,
  parseModelJson,
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

/** Aborts when a deadline (epoch ms) passes, at once if it already has; undefined when there is none. */
function deadlineSignal(deadlineAt: number | undefined): AbortSignal | undefined {
  if (deadlineAt === undefined) return undefined;
  const left = deadlineAt - Date.now();
  return left > 0 ? AbortSignal.timeout(left) : AbortSignal.abort();
}

/**
 * Why a call failed. An abort is named by the signal that caused it, most decisive first: a cancelled analysis,
 * then its deadline, then the stage's time limit, then the call's own timeout; anything else is the provider's.
 */
function failureOf(
  model: string,
  raw: unknown,
  aborts: {
    cancelled: AbortSignal;
    deadline?: AbortSignal;
    stageDeadline?: AbortSignal;
    any: AbortSignal;
    timeoutMs: number;
  },
): ProviderError {
  if (aborts.cancelled.aborted)
    return new ProviderError(ErrorCategory.Cancelled, `${model}: aborted, the analysis was cancelled`);
  if (aborts.deadline?.aborted)
    return new ProviderError(ErrorCategory.Cancelled, `${model}: aborted, the analysis deadline passed`);
  if (aborts.stageDeadline?.aborted)
    return new ProviderError(ErrorCategory.Timeout, `${model}: the stage's time limit passed`);
  if (aborts.any.aborted)
    return new ProviderError(ErrorCategory.Timeout, `${model} did not answer within ${aborts.timeoutMs} ms`);
  return toProviderError(model, raw);
}

/**
 * The parsed JSON of a stage that asked for json output, or why it could not be read; nothing for text output.
 * A parse failure does not fail the call: the text is kept and the aggregate reports the model as unparsed.
 */
function parsedOutput(
  call: ModelCallJob,
  text: string,
  finishReason: string | null,
): Pick<ModelCallResult, 'data' | 'dataError'> {
  const output = call.options.output;
  if (output?.format !== 'json') return {};
  const parsed = parseModelJson(text, output.schema);
  if (parsed.ok) return { data: parsed.data, dataError: null };
  const cut = finishReason === 'length' ? ' (the answer was cut off at the output token limit)' : '';
  return { data: null, dataError: `${parsed.error}${cut}` };
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
    const stageDeadline = deadlineSignal(call.options.stageDeadlineAt);
    const cancellation = this.cancellation.track(call.analysisId);
    const signal = AbortSignal.any([
      AbortSignal.timeout(timeoutMs),
      cancellation.signal,
      ...(deadline ? [deadline] : []),
      ...(stageDeadline ? [stageDeadline] : []),
    ]);
    const stream = call.options.stream ?? true;
    const sink = stream ? this.deltas.open(call.analysisId, call, attempt.attemptsMade + 1) : undefined;
    // Not awaited: the answer travels in the job's result; the delta stream only mirrors it for live viewers.
    const close = (outcome: DeltaOutcome) => void sink?.close(outcome);
    try {
      // A retry that starts after a deadline makes no call: the provider might answer before it sees the abort.
      signal.throwIfAborted();
      const { provider, model } = this.registry.resolve(call.model);
      const response = await provider.complete(
        {
          model,
          messages: call.messages,
          temperature: call.options.temperature,
          maxOutputTokens: call.options.maxOutputTokens,
          output: call.options.output,
          stream,
        },
        signal,
        { onDelta: sink && ((text) => sink.push(text)) },
      );
      const latencyMs = Math.round(performance.now() - started);
      const usage = { ...response.usage, costUsd: this.pricing.costOf(call.model, response.usage) };
      const parsed = parsedOutput(call, response.text, response.finishReason);
      this.logger.info(
        { model: call.model, stage: call.stage, sample: call.sample, latencyMs, usage, dataError: parsed.dataError },
        'model call completed',
      );
      close('done');
      return {
        model: call.model,
        sample: call.sample,
        status: 'completed',
        ...response,
        usage,
        error: null,
        latencyMs,
        ...parsed,
      };
    } catch (raw) {
      const error = failureOf(call.model, raw, {
        cancelled: cancellation.signal,
        deadline,
        stageDeadline,
        any: signal,
        timeoutMs,
      });
      // Past the analysis' or the stage's deadline nothing is retried: the stage has moved on without this call.
      const willRetry =
        !stageDeadline?.aborted &&
        retryableCategories.has(error.category) &&
        attempt.attemptsMade + 1 < attempt.maxAttempts;
      this.logger.warn(
        {
          model: call.model,
          stage: call.stage,
          sample: call.sample,
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
        sample: call.sample,
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
