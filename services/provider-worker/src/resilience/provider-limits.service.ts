import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type ChatMessage, parseModelId, type Usage } from '@ultra/contracts';
import { APP_CONFIG, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import type { WorkerConfig } from '../config/worker.config';
import { estimateTokens } from '../providers/mock/mock.provider';
import { acquireLimits, coolDown, correctTokens } from './limit-scripts';
import type { ProviderLimit } from './provider-limits.config';

/** Injection token of each provider's limits (see provider-limits.config.ts). */
export const PROVIDER_LIMITS = Symbol('PROVIDER_LIMITS');

/** Output tokens counted before a call that sets no maxOutputTokens (and the most counted for one that does). */
const OUTPUT_ESTIMATE = 1_000;
/** How soon a call waiting for a concurrency slot looks again (a slot frees when any call ends). */
const CONCURRENCY_POLL_MS = 250;

/** Permission for one call: release it when the call ends, with the real usage when there is one. */
export interface LimitLease {
  release(usage?: Usage): void;
}

export type LimitDecision = { granted: true; lease: LimitLease } | { granted: false; waitMs: number; limit: string };

const NOTHING_HELD: LimitLease = { release: () => undefined };

/**
 * Per-provider limits shared by every worker through Redis: calls at once, requests and tokens per minute, and the
 * pause a 429's retry-after imposes on the whole provider. Tokens are estimated before the call from the
 * messages' length and corrected with the real usage after it. Like breakers, the bookkeeping never fails a call:
 * when Redis does not answer, the call goes ahead.
 */
@Injectable()
export class ProviderLimitsService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: WorkerConfig,
    @Inject(PROVIDER_LIMITS) private readonly limits: ReadonlyMap<string, ProviderLimit>,
    private readonly logger: PinoLogger,
  ) {}

  /** `leaseMs` bounds a concurrency slot: a worker that dies mid-call frees it after that long. */
  async acquire(
    modelId: string,
    request: { messages: ChatMessage[]; maxOutputTokens?: number },
    leaseMs: number,
  ): Promise<LimitDecision> {
    const provider = parseModelId(modelId).provider;
    const limit = this.limits.get(provider) ?? {};
    const tokens =
      request.messages.reduce((sum, m) => sum + estimateTokens(m.content), 0) +
      Math.min(request.maxOutputTokens ?? OUTPUT_ESTIMATE, OUTPUT_ESTIMATE);
    const leaseId = randomUUID();
    const keys = this.keysOf(provider);
    let reply: [number, string?];
    try {
      reply = (await acquireLimits.run(
        this.redis,
        [keys.coolUntil, keys.leases, keys.requests, keys.tokens],
        [
          Date.now(),
          leaseId,
          leaseMs,
          limit.concurrency ?? 0,
          limit.requestsPerMinute ?? 0,
          limit.tokensPerMinute ?? 0,
          tokens,
          this.config.PROVIDER_LIMIT_BURST_MS,
          CONCURRENCY_POLL_MS,
        ],
      )) as [number, string?];
    } catch (error) {
      this.logger.warn({ err: error, model: modelId }, 'could not check provider limits; calling anyway');
      return { granted: true, lease: NOTHING_HELD };
    }
    const [waitMs, which] = reply;
    if (waitMs > 0) return { granted: false, waitMs, limit: which ?? 'a limit' };
    if (limit.concurrency === undefined && limit.tokensPerMinute === undefined) {
      return { granted: true, lease: NOTHING_HELD };
    }
    return { granted: true, lease: { release: (usage) => void this.release(keys, limit, leaseId, tokens, usage) } };
  }

  /** A provider answered 429 with retry-after: no worker calls it again until that has passed. */
  async coolDown(modelId: string, ms: number): Promise<void> {
    const provider = parseModelId(modelId).provider;
    await coolDown.run(this.redis, [this.keysOf(provider).coolUntil], [Math.ceil(ms)]).catch((error: unknown) => {
      this.logger.warn({ err: error, provider }, 'could not pause the provider after its 429');
    });
    this.logger.warn({ provider, ms }, `provider ${provider} answered 429: every worker pauses it for ${ms} ms`);
  }

  private async release(
    keys: ReturnType<ProviderLimitsService['keysOf']>,
    limit: ProviderLimit,
    leaseId: string,
    estimated: number,
    usage?: Usage,
  ): Promise<void> {
    try {
      if (limit.concurrency !== undefined) await this.redis.zrem(keys.leases, leaseId);
      if (limit.tokensPerMinute !== undefined && usage) {
        const used = usage.inputTokens + usage.outputTokens;
        await correctTokens.run(this.redis, [keys.tokens], [Date.now(), used - estimated, limit.tokensPerMinute]);
      }
    } catch (error) {
      // The lease expires by itself; the token schedule is only a little off.
      this.logger.warn({ err: error }, 'could not release a provider limit lease');
    }
  }

  private keysOf(provider: string) {
    const base = `${this.config.QUEUE_PREFIX}:limits:${provider}`;
    return {
      coolUntil: `${base}:cool-until`,
      leases: `${base}:leases`,
      requests: `${base}:requests`,
      tokens: `${base}:tokens`,
    };
  }
}
