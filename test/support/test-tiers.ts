/**
 * Tier limits for tests that are not about limits: whole-stack tests poll and submit far faster than the free tier
 * allows a person. Tests of the limits themselves set TIERS to what they check.
 */
export const UNLIMITED_TIERS = JSON.stringify(
  Object.fromEntries(
    ['free', 'basic', 'premium', 'enterprise'].map((tier) => [
      tier,
      { requestsPerMinute: 1_000_000, analysesPerMinute: 1_000_000, dailyBudgetUsd: 1_000_000 },
    ]),
  ),
);
