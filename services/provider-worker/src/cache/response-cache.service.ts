import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type ModelCallJob, type ModelCallResult, parseModelId } from '@ultra/contracts';
import { APP_CONFIG, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import type { WorkerConfig } from '../config/worker.config';
import { providerMetrics } from '../metrics/provider-metrics';

/** What is kept of a completed answer: enough to answer the same call again without the provider. */
export type CachedAnswer = Pick<
  ModelCallResult,
  'text' | 'usage' | 'finishReason' | 'data' | 'dataError' | 'repairedChars' | 'toolCalls'
>;

/** Whose credentials a call runs on, when the task does not say: the keys configured on the server. */
export const SERVER_KEY_SCOPE = 'server';

/**
 * Completed answers in Redis under an exact key: a hash of the provider, model, messages (with their tool calls and
 * results), temperature, output token limit, output spec, sample index, key scope, and tools and tool choice, so a call is only ever answered with what the same call
 * got, and answers paid with one user's key never reach another scope. Hits and misses are counted in Redis
 * (`<prefix>:response-cache:hits` / `:misses`). The mock is never cached: it costs nothing, and a cached answer
 * would hide the latency and failures it is configured to simulate. Like the other resilience bookkeeping, a
 * Redis error makes a miss, never a failed call.
 */
@Injectable()
export class ResponseCacheService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: WorkerConfig,
    private readonly logger: PinoLogger,
  ) {}

  /** The cache key of `call` answered by `model` (the requested model or a fallback), or undefined when off. */
  keyOf(call: ModelCallJob, model: string): string | undefined {
    if (this.config.RESPONSE_CACHE_TTL_S === 0 || call.options.cache === false) return undefined;
    const { provider, name } = parseModelId(model);
    if (provider === 'mock') return undefined;
    const { temperature, maxOutputTokens, output, keyScope, tools, toolChoice } = call.options;
    // Tool fields join the key only when present, so the keys of calls without tools are what they always were.
    const withTools = (m: ModelCallJob['messages'][number]) =>
      m.toolCalls || m.toolCallId
        ? [m.role, m.content, m.toolCalls ?? null, m.toolCallId ?? null]
        : [m.role, m.content];
    const identity = JSON.stringify([
      provider,
      name,
      call.messages.map(withTools),
      temperature ?? null,
      maxOutputTokens ?? null,
      output ?? null,
      call.sample,
      keyScope ?? SERVER_KEY_SCOPE,
      ...(tools?.length ? [tools, toolChoice ?? null] : []),
    ]);
    return `${this.config.QUEUE_PREFIX}:response-cache:${createHash('sha256').update(identity).digest('hex')}`;
  }

  async get(key: string | undefined): Promise<CachedAnswer | undefined> {
    if (!key) return undefined;
    try {
      const stored = await this.redis.get(key);
      void this.redis.incr(this.counter(stored ? 'hits' : 'misses')).catch(() => undefined);
      providerMetrics.cacheLookup(stored !== null);
      return stored ? (JSON.parse(stored) as CachedAnswer) : undefined;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the response cache');
      return undefined;
    }
  }

  /** Only completed answers are stored; written in the background, it never delays the result. */
  put(key: string | undefined, result: ModelCallResult): void {
    if (!key || result.status !== 'completed') return;
    const answer: CachedAnswer = {
      text: result.text,
      usage: result.usage,
      finishReason: result.finishReason,
      ...(result.data !== undefined && { data: result.data }),
      ...(result.dataError !== undefined && { dataError: result.dataError }),
      ...(result.repairedChars !== undefined && { repairedChars: result.repairedChars }),
      ...(result.toolCalls !== undefined && { toolCalls: result.toolCalls }),
    };
    this.redis
      .set(key, JSON.stringify(answer), 'EX', this.config.RESPONSE_CACHE_TTL_S)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not store an answer in the response cache'));
  }

  private counter(kind: 'hits' | 'misses'): string {
    return `${this.config.QUEUE_PREFIX}:response-cache:${kind}`;
  }
}
