import { MAX_WEBHOOK_WAIT_MS, WEBHOOK_RETRY_WINDOW_MS, webhookAttempts, webhookWaitMs } from './webhook-backoff';

/** The waits between the attempts a base gives, in order. */
function waitsOf(baseMs: number): number[] {
  return Array.from({ length: webhookAttempts(baseMs) - 1 }, (_, i) => webhookWaitMs(i + 1, baseMs));
}

describe('webhook backoff', () => {
  it('doubles from the base and stops growing at an hour', () => {
    expect([1, 2, 3, 4].map((retry) => webhookWaitMs(retry, 10_000))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(webhookWaitMs(30, 10_000)).toBe(MAX_WEBHOOK_WAIT_MS);
  });

  it.each([10, 1_000, 10_000, 60_000, MAX_WEBHOOK_WAIT_MS])(
    'retries for 24 h from a base of %i ms, and no longer than one wait past it',
    (baseMs) => {
      const waits = waitsOf(baseMs);
      const total = waits.reduce((sum, wait) => sum + wait, 0);
      expect(total).toBeGreaterThanOrEqual(WEBHOOK_RETRY_WINDOW_MS);
      expect(total - (waits.at(-1) ?? 0)).toBeLessThan(WEBHOOK_RETRY_WINDOW_MS);
    },
  );

  it('makes 33 attempts from the default 10 s base', () => {
    expect(webhookAttempts(10_000)).toBe(33);
  });
});
