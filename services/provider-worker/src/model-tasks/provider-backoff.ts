import type { BackoffStrategy } from 'bullmq';
import { ProviderError } from '../providers/llm-provider';

/** The backoff type the orchestrator gives model tasks; BullMQ hands it to `providerBackoff`. */
export const PROVIDER_BACKOFF = 'provider';

/**
 * Exponential backoff from the task's base delay (base, 2×base, 4×base, …), but never sooner than a provider
 * asked for with `retry-after`: retrying a rate-limited call earlier only spends an attempt.
 */
export const providerBackoff: BackoffStrategy = (attemptsMade, _type, err, job) => {
  const base = typeof job?.opts.backoff === 'object' ? (job.opts.backoff.delay ?? 1_000) : 1_000;
  const exponential = base * 2 ** Math.max(0, attemptsMade - 1);
  const asked = err instanceof ProviderError ? (err.retryAfterMs ?? 0) : 0;
  return Math.max(exponential, asked);
};
