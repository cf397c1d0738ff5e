import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import {
  type BreakerSnapshot,
  ErrorCategory,
  type ModelCallJob,
  type ModelCallResult,
  retryableCategories,
} from '@ultra/contracts';
import { secondsSince, type Span } from '@ultra/platform';
import { PinoLogger } from 'nestjs-pino';
import { type CachedAnswer, ResponseCacheService } from '../cache/response-cache.service';
import { type CallRoute, CallRouter } from '../provider-keys/call-router.service';
import { providerMetrics } from '../metrics/provider-metrics';
import { ProviderError } from '../providers/llm-provider';
import { breakerOutcome } from '../resilience/breaker-policy';
import { BreakerService, type BreakerVerdict } from '../resilience/breaker.service';
import { type LimitLease, ProviderLimitsService } from '../resilience/provider-limits.service';
import type { DeltaEnd } from '../streaming/delta-publisher.service';
import type { AttemptStream } from './attempt-stream';
import type { CallSignals } from './call-signals';
import { LimitWait } from './limit-wait';
import { inModelCallSpan, recordAnswer, recordFailure } from './model-call-span';
import { ProviderCallService } from './provider-call.service';

/** How one model fared for a task: it answered, its breaker was open (no call made), or it failed for good. */
export type ModelAttempt =
  | { kind: 'answered'; result: ModelCallResult }
  | { kind: 'open'; breaker: BreakerSnapshot }
  | { kind: 'failed'; error: ProviderError };

export interface AttemptContext {
  signals: CallSignals;
  stream: AttemptStream;
  /** This try of the task, counting BullMQ's retries: 1 for the first. */
  attempt: number;
  /** Attempts remain and BullMQ may retry the task: a retryable failure is thrown rather than returned. */
  mayRetry: boolean;
  /** Wait for a provider's limits here rather than delaying the job (while moving on from a failed model). */
  waitInPlace: boolean;
  /** Another model may answer if this one fails (its delta stream then ends `retrying`). */
  moreToTry: boolean;
}

/** What a completed output's end event tells a streaming client: usage, tool calls and why it stopped. */
function endOf(result: ModelCallResult): DeltaEnd {
  return {
    usage: result.usage,
    finishReason: result.finishReason,
    ...(result.toolCalls?.length && { toolCalls: result.toolCalls }),
  };
}

/** A slot outlives its call by this much before it counts as abandoned by a dead worker. */
const LEASE_MARGIN_MS = 5_000;

function fromCache(call: ModelCallJob, cached: CachedAnswer): ModelCallResult {
  return {
    model: call.model,
    sample: call.sample,
    status: 'completed',
    error: null,
    latencyMs: 0,
    ...cached,
    usage: { ...cached.usage, costUsd: 0 },
    cached: true,
  };
}

/**
 * One model's turn at a task, in order: the response cache, the model's and its provider's breakers, the
 * provider's limits, the call, the breakers' bookkeeping, and the cache again for a completed answer.
 */
@Injectable()
export class ModelAttemptService {
  constructor(
    private readonly cache: ResponseCacheService,
    private readonly breakers: BreakerService,
    private readonly limits: ProviderLimitsService,
    private readonly calls: ProviderCallService,
    private readonly router: CallRouter,
    private readonly logger: PinoLogger,
  ) {}

  async try(call: ModelCallJob, model: string, ctx: AttemptContext): Promise<ModelAttempt> {
    let route: CallRoute;
    try {
      route = await this.router.route(call, model);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      if (ctx.mayRetry && retryableCategories.has(error.category)) throw error;
      return { kind: 'failed', error };
    }
    // Answers paid with a user's own key are cached under that user's scope only.
    const scoped =
      route.keyScope === call.options.keyScope
        ? call
        : { ...call, options: { ...call.options, keyScope: route.keyScope } };
    const cacheKey = this.cache.keyOf(scoped, model);
    const cached = await this.cache.get(cacheKey);
    if (cached) {
      const result = fromCache(call, cached);
      ctx.stream.replay(cached.text, endOf(result));
      return { kind: 'answered', result };
    }
    const leaseMs = ctx.signals.timeoutMs + LEASE_MARGIN_MS;
    // Waiting in place is bounded by one call's time too, so a task never waits on limits without end.
    const waitBound = ctx.waitInPlace
      ? Math.min(ctx.signals.waitDeadline, Date.now() + ctx.signals.timeoutMs)
      : ctx.signals.waitDeadline;
    for (;;) {
      // One round trip for both (they are independent); a slot taken for a model whose breaker is open is handed back.
      const [verdict, decision] = await Promise.all([
        this.breakers.check(model, leaseMs),
        this.limits.acquire(model, call, leaseMs),
      ]);
      if (verdict.open) {
        if (decision.granted) decision.lease.release();
        return { kind: 'open', breaker: verdict.breaker };
      }
      if (decision.granted) return this.call(call, model, route, cacheKey, verdict, decision.lease, ctx);
      // A probe that does not happen now is handed back for another call to make.
      await this.breakers.record(model, 'neutral', verdict.probes);
      providerMetrics.rateLimitWait(route.provider.id, decision.limit, decision.waitMs / 1000);
      const until = Date.now() + decision.waitMs;
      const waiting = `${model}: its provider is at its ${decision.limit} limit for ${decision.waitMs} ms`;
      if (until > waitBound) {
        const error = new ProviderError(ErrorCategory.RateLimit, `${waiting}, past the stage's time limit`);
        return { kind: 'failed', error };
      }
      if (!ctx.waitInPlace) throw new LimitWait(until, waiting);
      await sleep(decision.waitMs, undefined, { signal: ctx.signals.shared }).catch(() => undefined);
      if (ctx.signals.timeIsUp) {
        return { kind: 'failed', error: ctx.signals.failure(model, undefined, ctx.signals.shared) };
      }
    }
  }

  /** The provider call itself, in its span: one per call made (cache hits and open breakers make none). */
  private call(
    call: ModelCallJob,
    model: string,
    route: CallRoute,
    cacheKey: string | undefined,
    verdict: BreakerVerdict & { open: false },
    lease: LimitLease,
    ctx: AttemptContext,
  ): Promise<ModelAttempt> {
    const info = { call, model, provider: route.provider.id, providerModel: route.model, attempt: ctx.attempt };
    return inModelCallSpan(info, (span) => this.callIn(span, call, model, route, cacheKey, verdict, lease, ctx));
  }

  private async callIn(
    span: Span,
    call: ModelCallJob,
    model: string,
    route: CallRoute,
    cacheKey: string | undefined,
    verdict: BreakerVerdict & { open: false },
    lease: LimitLease,
    ctx: AttemptContext,
  ): Promise<ModelAttempt> {
    const signal = ctx.signals.forCall();
    const sink = ctx.stream.open();
    const started = performance.now();
    try {
      const result = await this.calls.complete(call, model, route, signal, sink);
      providerMetrics.answered(route.provider.id, model, secondsSince(started), result.usage);
      recordAnswer(span, result);
      lease.release(result.usage);
      // A success that closes no probe changes no state anyone waits for: counted off the answer's path.
      const recorded = this.breakers.record(model, 'success', verdict.probes);
      if (verdict.probes.length > 0) await recorded;
      else void recorded;
      this.cache.put(cacheKey, result);
      void sink?.close('done', endOf(result));
      return { kind: 'answered', result };
    } catch (raw) {
      lease.release();
      const error = ctx.signals.failure(model, raw, signal);
      providerMetrics.failed(route.provider.id, model, secondsSince(started), error.category);
      const outcome = breakerOutcome(error.category, ctx.signals.timeIsUp);
      await this.breakers.record(model, outcome, verdict.probes, error.message);
      if (error.category === ErrorCategory.RateLimit && error.retryAfterMs) {
        await this.limits.coolDown(model, error.retryAfterMs);
      }
      // Past the analysis' or the stage's deadline nothing is retried: the stage has moved on without this call.
      const willRetry = ctx.mayRetry && !ctx.signals.timeIsUp && retryableCategories.has(error.category);
      recordFailure(span, error, willRetry);
      this.logger.warn(
        {
          model: call.model,
          calledModel: model,
          stage: call.stage,
          sample: call.sample,
          category: error.category,
          willRetry,
          prompt: call.messages, // only with LOG_PROMPTS=1, like every prompt and answer
        },
        `model call failed: ${error.message}`,
      );
      // A final failure is the task's to announce (model-call.service), with the category and message it stores.
      if (willRetry || ctx.moreToTry)
        void sink?.close('retrying', { error: { category: error.category, message: error.message } });
      if (willRetry) throw error;
      return { kind: 'failed', error };
    }
  }
}
