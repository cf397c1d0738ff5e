import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { GatewayConfig } from '../config/gateway.config';
import { RateLimitedException } from './limits.exceptions';
import { TIER_NAMES, type TierName } from './tiers.config';

export type LimitKind = 'requests' | 'analyses';

/** Where a caller stands against one per-minute limit: what the RateLimit-* headers report. */
export interface LimitState {
  kind: LimitKind;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends and the limit is whole again. */
  resetS: number;
}

const WINDOW_S = 60;

/** A refusal carries its state too, so the 429 answer has the same headers as a success. */
export class LimitReached extends Error {
  constructor(
    readonly state: LimitState,
    readonly refusal: RateLimitedException,
  ) {
    super(refusal.message);
  }
}

/**
 * The per-minute limits of every tier, counted in Redis (fixed one-minute windows per user), so every gateway
 * process sharing the Redis and QUEUE_PREFIX counts against the same numbers.
 */
@Injectable()
export class RateLimitsService {
  private readonly logger = new Logger(RateLimitsService.name);
  private readonly limiters: Record<LimitKind, Record<TierName, RateLimiterRedis>>;

  constructor(@Inject(APP_CONFIG) config: GatewayConfig, @Inject(REDIS) redis: Redis) {
    const limitersOf = (kind: LimitKind, points: (tier: TierName) => number) =>
      Object.fromEntries(
        TIER_NAMES.map((tier) => [
          tier,
          new RateLimiterRedis({
            storeClient: redis,
            keyPrefix: `${config.QUEUE_PREFIX}:ratelimit:${kind}:${tier}`,
            points: points(tier),
            duration: WINDOW_S,
          }),
        ]),
      ) as Record<TierName, RateLimiterRedis>;
    this.limiters = {
      requests: limitersOf('requests', (tier) => config.TIERS[tier].requestsPerMinute),
      analyses: limitersOf('analyses', (tier) => config.TIERS[tier].analysesPerMinute),
    };
  }

  /** Counts one against `kind` for the user; throws LimitReached once the minute's allowance is spent. */
  async consume(kind: LimitKind, tier: TierName, userId: string): Promise<LimitState> {
    const limiter = this.limiters[kind][tier];
    try {
      return stateOf(kind, limiter.points, await limiter.consume(userId));
    } catch (error) {
      // The limiter rejects with its result when over the limit, and with the Redis error when Redis fails.
      if (!(error instanceof RateLimiterRes)) throw error;
      const state = stateOf(kind, limiter.points, error);
      throw new LimitReached(state, new RateLimitedException(kind, tier, limiter.points, state.resetS));
    }
  }

  /**
   * Gives back one counted against `kind` (a request refused after counting started nothing). Never throws: the
   * caller's own error is what the client must see, and a lost give-back only errs towards the limit.
   */
  async giveBack(kind: LimitKind, tier: TierName, userId: string): Promise<void> {
    try {
      await this.limiters[kind][tier].reward(userId, 1);
    } catch (error) {
      this.logger.warn(
        `could not give back a ${kind} point: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

function stateOf(kind: LimitKind, limit: number, result: RateLimiterRes): LimitState {
  return {
    kind,
    limit,
    remaining: Math.max(0, result.remainingPoints),
    resetS: Math.max(1, Math.ceil(result.msBeforeNext / 1000)),
  };
}
