import { resultsConfig } from './results.config';

/** The one variable without a default. */
const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' };

describe('resultsConfig', () => {
  it('applies the documented watchdog defaults', () => {
    expect(resultsConfig.parse(base)).toMatchObject({
      WATCHDOG_INTERVAL_MS: 30_000,
      WATCHDOG_GRACE_MS: 60_000,
      ANALYSIS_QUEUE_TIMEOUT_MS: 3_600_000,
    });
  });

  it('reads the watchdog settings from the environment', () => {
    const env = { WATCHDOG_INTERVAL_MS: '500', WATCHDOG_GRACE_MS: '3000', ANALYSIS_QUEUE_TIMEOUT_MS: '60000' };
    expect(resultsConfig.parse({ ...base, ...env })).toMatchObject({
      WATCHDOG_INTERVAL_MS: 500,
      WATCHDOG_GRACE_MS: 3_000,
      ANALYSIS_QUEUE_TIMEOUT_MS: 60_000,
    });
  });

  it.each([
    ['WATCHDOG_INTERVAL_MS', '0'],
    ['WATCHDOG_INTERVAL_MS', 'soon'],
    ['WATCHDOG_GRACE_MS', '-1'],
    ['ANALYSIS_QUEUE_TIMEOUT_MS', '10'],
  ])('refuses %s=%s, naming it', (name, value) => {
    const parsed = resultsConfig.safeParse({ ...base, [name]: value });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual([name]);
  });
});
