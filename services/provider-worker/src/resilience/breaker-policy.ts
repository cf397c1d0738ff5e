import { ErrorCategory } from '@ultra/contracts';

/** What one call tells a breaker. `neutral` says nothing about the provider's health. */
export type BreakerOutcome = 'success' | 'failure' | 'neutral';

/**
 * Only failures that say the provider or model is unhealthy count against its breakers: outages (5xx, broken or
 * malformed streams, refused connections) and the call's own timeout. A rate limit does not: the provider is
 * healthy but busy, and the shared cool-down of its `retry-after` (provider limits) handles it without sending
 * every task to a fallback. Auth, invalid requests, content filters and cancellations are about the request or
 * the key, not the provider's health; `stageTimeout` marks a timeout caused by the stage's or the analysis' time
 * running out, which says nothing about the provider either.
 */
export function breakerOutcome(category: ErrorCategory, stageTimeout = false): BreakerOutcome {
  switch (category) {
    case ErrorCategory.ProviderUnavailable:
      return 'failure';
    case ErrorCategory.Timeout:
      return stageTimeout ? 'neutral' : 'failure';
    default:
      return 'neutral';
  }
}
