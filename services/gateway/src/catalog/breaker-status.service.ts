import { Inject, Injectable, Logger } from '@nestjs/common';
import { type BreakerScope, type BreakerSnapshot, BreakerState, breakerKey } from '@ultra/contracts';
import { APP_CONFIG, isRedisConnectionError, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ServiceUnavailableException } from '../common/api-exception';
import type { GatewayConfig } from '../config/gateway.config';
import { CatalogService } from './catalog.service';

/** Breaker states change over seconds; one read serves every request of this window. */
export const BREAKER_CACHE_MS = 1_000;

const epochMs = z.coerce.number().int().min(0).catch(0);
const breakerHash = z.object({
  state: z.enum([BreakerState.Closed, BreakerState.Open, BreakerState.HalfOpen]),
  openedAt: epochMs,
  reopenAt: epochMs,
  reason: z.string().catch(''),
});

/** The breakers that are not closed, as the provider-workers last wrote them; closed ones are absent. */
export class BreakerSnapshots {
  constructor(
    private readonly byKey: ReadonlyMap<string, BreakerSnapshot>,
    /** Epoch ms of the read, so "is the cool-down over" is judged against one clock. */
    readonly readAt: number,
  ) {}

  /** The model's own breaker, else its provider's, when one is open or half-open. */
  of(model: { id: string; provider: string }): BreakerSnapshot | undefined {
    return this.byKey.get(`model:${model.id}`) ?? this.byKey.get(`provider:${model.provider}`);
  }

  /**
   * The breaker that makes calls to the model fail fast now: open, its cool-down not over. A half-open breaker,
   * or an open one past `reopenAt`, lets a probe through, which only traffic can send, so it does not block.
   */
  blocking(model: { id: string; provider: string }): BreakerSnapshot | undefined {
    const open = (b: BreakerSnapshot | undefined) =>
      b?.state === BreakerState.Open && b.reopenAt > this.readAt ? b : undefined;
    return open(this.byKey.get(`model:${model.id}`)) ?? open(this.byKey.get(`provider:${model.provider}`));
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** How a breaker reads in an error or in `/api/available-models`, e.g. `the circuit breaker of provider "openai" is open…`. */
export function describeBreaker(b: BreakerSnapshot): string {
  const state = b.state === BreakerState.HalfOpen ? 'half-open (probing)' : 'open';
  const since = b.openedAt ? ` since ${iso(b.openedAt)}` : '';
  const why = b.reason ? ` (${b.reason})` : '';
  const next = b.state === BreakerState.Open && b.reopenAt ? `; next probe after ${iso(b.reopenAt)}` : '';
  return `the circuit breaker of ${b.scope} "${b.id}" is ${state}${since}${why}${next}`;
}

/**
 * Reads the breaker hashes the provider-workers keep in Redis (contracts' breakerKey) for every model and provider
 * of the catalog: one pipelined round trip, shared by all requests for BREAKER_CACHE_MS.
 */
@Injectable()
export class BreakerStatus {
  private readonly logger = new Logger(BreakerStatus.name);
  private readonly targets: { scope: BreakerScope; id: string; key: string }[];
  private cached: { at: number; read: Promise<BreakerSnapshots> } | undefined;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: GatewayConfig,
    catalog: CatalogService,
  ) {
    const models = catalog.list();
    const scoped = (scope: BreakerScope, id: string) => ({
      scope,
      id,
      key: breakerKey(config.QUEUE_PREFIX, scope, id),
    });
    this.targets = [
      ...[...new Set(models.map((m) => m.provider))].map((id) => scoped('provider', id)),
      ...models.map((m) => scoped('model', m.id)),
    ];
  }

  snapshots(): Promise<BreakerSnapshots> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < BREAKER_CACHE_MS) return this.cached.read;
    const read = this.read(now);
    this.cached = { at: now, read };
    // A failed read is not kept: the next request tries Redis again.
    read.catch(() => {
      if (this.cached?.read === read) this.cached = undefined;
    });
    return read;
  }

  private async read(now: number): Promise<BreakerSnapshots> {
    const pipeline = this.redis.pipeline();
    for (const { key } of this.targets) pipeline.hgetall(key);
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await pipeline.exec();
      // Without a connection each command of the pipeline fails on its own rather than the whole exec.
      const lost = replies?.find(([error]) => isRedisConnectionError(error))?.[0];
      if (lost) throw lost;
    } catch (error) {
      this.logger.warn(`cannot read circuit breakers: ${error instanceof Error ? error.message : String(error)}`);
      throw new ServiceUnavailableException('Redis is unavailable (circuit-breaker state), try again shortly');
    }
    const byKey = new Map<string, BreakerSnapshot>();
    this.targets.forEach(({ scope, id }, i) => {
      const [error, hash] = replies?.[i] ?? [null, null];
      const parsed = error ? undefined : breakerHash.safeParse(hash);
      if (!parsed?.success || parsed.data.state === BreakerState.Closed) return;
      byKey.set(`${scope}:${id}`, { scope, id, ...parsed.data });
    });
    return new BreakerSnapshots(byKey, now);
  }
}
