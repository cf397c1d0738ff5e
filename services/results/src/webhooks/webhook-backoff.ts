import type { BackoffStrategy } from 'bullmq';

/** Exponential waits grow no longer than this, so a receiver that comes back is tried again within the hour. */
export const MAX_WEBHOOK_WAIT_MS = 3_600_000;
/** How long a delivery is retried. */
export const WEBHOOK_RETRY_WINDOW_MS = 86_400_000;

/** The wait before retry `retry` (1 for the first): base · 2^(retry−1), at most an hour. */
export function webhookWaitMs(retry: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(retry - 1, 0), MAX_WEBHOOK_WAIT_MS);
}

/** Attempts (the first included) whose waits add up to the retry window, e.g. 33 from a 10 s base. */
export function webhookAttempts(baseMs: number): number {
  let waited = 0;
  let retries = 0;
  while (waited < WEBHOOK_RETRY_WINDOW_MS) waited += webhookWaitMs(++retries, baseMs);
  return retries + 1;
}

/**
 * BullMQ's custom backoff for `webhook.deliver` (type WEBHOOK_BACKOFF_TYPE): the job's delay is the base. Named in
 * the job's options, so the worker must register it.
 */
export const webhookBackoff: BackoffStrategy = (attemptsMade, _type, _error, job) => {
  const backoff = job?.opts.backoff;
  const base = typeof backoff === 'number' ? backoff : (backoff?.delay ?? 0);
  return webhookWaitMs(attemptsMade, base);
};
