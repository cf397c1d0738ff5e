import { ApiErrorCode } from '@ultra/contracts';
import { ApiException } from '@ultra/platform';

export class RateLimitedException extends ApiException {
  constructor(what: 'requests' | 'analyses', tier: string, limit: number, retryAfterS: number) {
    super(
      ApiErrorCode.RateLimited,
      `too many ${what}: the ${tier} tier allows ${limit} ${what} per minute; retry in ${retryAfterS} s`,
      { limit: `${what}PerMinute`, tier, perMinute: limit, retryAfterS },
    );
  }
}

export interface BudgetRefusal {
  tier: string;
  dailyBudgetUsd: number;
  spentUsd: number;
  /** ISO time of the next midnight UTC, when the day's spend starts again from zero. */
  resetsAt: string;
}

export class BudgetExhaustedException extends ApiException {
  constructor(refusal: BudgetRefusal) {
    super(
      ApiErrorCode.BudgetExhausted,
      `today's spend of $${refusal.spentUsd.toFixed(4)} has reached the ${refusal.tier} tier's daily budget of ` +
        `$${refusal.dailyBudgetUsd} (dailyBudgetUsd); it resets at ${refusal.resetsAt}`,
      { limit: 'dailyBudgetUsd', ...refusal },
    );
  }
}
