import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  addUsage,
  APP_CONFIG,
  type DailyUsage,
  readDay,
  readUsage,
  REDIS,
  seedSpend,
  utcDayEnd,
  utcDayOf,
} from '@ultra/platform';
import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../config/gateway.config';
import { BudgetExhaustedException } from './limits.exceptions';
import { ResultsUsageClient } from './results-usage.client';
import type { TierLimits, TierName } from './tiers.config';

export interface UsageReport extends DailyUsage {
  /** The UTC day, `yyyy-mm-dd`. */
  day: string;
  limits: { tier: TierName } & TierLimits;
  /** ISO time of the next midnight UTC, when the day's counters start again. */
  resetsAt: string;
}

/**
 * A user's usage of the current UTC day. The gateway counts requests and analyses; results adds the tokens and
 * cost of every output it stores (StageRecordService), to the same Redis hash (libs/platform usage-counter). The
 * first read of a day's spend takes it from results' database once, so a hash Redis lost is rebuilt from there.
 */
@Injectable()
export class DailyUsageService {
  private readonly logger = new Logger(DailyUsageService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly results: ResultsUsageClient,
  ) {}

  countRequest(userId: string): Promise<void> {
    return addUsage(this.redis, this.config.QUEUE_PREFIX, userId, { requests: 1 });
  }

  countAnalysis(userId: string): Promise<void> {
    return addUsage(this.redis, this.config.QUEUE_PREFIX, userId, { analyses: 1 });
  }

  /** Refuses a new analysis once today's spend has reached the tier's budget (402 budget_exhausted). */
  async assertWithinBudget(userId: string, tier: TierName): Promise<void> {
    const now = new Date();
    const { costUsd } = await this.read(userId, utcDayOf(now));
    const { dailyBudgetUsd } = this.config.TIERS[tier];
    if (costUsd < dailyBudgetUsd) return;
    throw new BudgetExhaustedException({
      tier,
      dailyBudgetUsd,
      spentUsd: costUsd,
      resetsAt: utcDayEnd(now).toISOString(),
    });
  }

  async report(userId: string, tier: TierName): Promise<UsageReport> {
    const now = new Date();
    const usage = await this.read(userId, utcDayOf(now));
    return {
      day: now.toISOString().slice(0, 10),
      ...usage,
      limits: { tier, ...this.config.TIERS[tier] },
      resetsAt: utcDayEnd(now).toISOString(),
    };
  }

  private async read(userId: string, day: string): Promise<DailyUsage> {
    const prefix = this.config.QUEUE_PREFIX;
    const stored = await readDay(this.redis, prefix, userId, day);
    if (stored.seeded) return stored.usage;
    const spend = await this.results.spendOf(userId, day);
    if (spend) await seedSpend(this.redis, prefix, userId, day, spend);
    else this.logger.warn(`results did not answer the spend of user ${userId}; using the Redis counter alone`);
    return readUsage(this.redis, prefix, userId, day);
  }
}
