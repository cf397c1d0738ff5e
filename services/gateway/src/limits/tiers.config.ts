import { z } from 'zod';

export const TIER_NAMES = ['free', 'basic', 'premium', 'enterprise'] as const;
export type TierName = (typeof TIER_NAMES)[number];
/** A user without a tier (or before the tier column exists) is on this one. */
export const DEFAULT_TIER: TierName = 'free';

const tierLimits = z.object({
  requestsPerMinute: z.number().int().min(1).max(1_000_000),
  analysesPerMinute: z.number().int().min(1).max(1_000_000),
  /** What one user's model calls may cost per UTC day; a new analysis is refused once it is reached. */
  dailyBudgetUsd: z.number().positive().max(1_000_000),
});
export type TierLimits = z.infer<typeof tierLimits>;
export type Tiers = Record<TierName, TierLimits>;

export const DEFAULT_TIERS: Tiers = {
  free: { requestsPerMinute: 60, analysesPerMinute: 10, dailyBudgetUsd: 1 },
  basic: { requestsPerMinute: 300, analysesPerMinute: 60, dailyBudgetUsd: 10 },
  premium: { requestsPerMinute: 1_000, analysesPerMinute: 120, dailyBudgetUsd: 50 },
  enterprise: { requestsPerMinute: 5_000, analysesPerMinute: 600, dailyBudgetUsd: 500 },
};

/** TIERS overrides some tiers (or some of a tier's numbers); the rest keep their defaults. */
const tierOverride = tierLimits.partial().strict().optional();
const tiersOverride = z.strictObject({
  free: tierOverride,
  basic: tierOverride,
  premium: tierOverride,
  enterprise: tierOverride,
}) satisfies z.ZodType<Partial<Record<TierName, Partial<TierLimits>>>>;

function parseJson(text: string, ctx: z.RefinementCtx): unknown {
  try {
    return JSON.parse(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be JSON, e.g. {"free":{"requestsPerMinute":60}}' });
    return z.NEVER;
  }
}

export const tiersEnv = {
  /** JSON: `{"<tier>": {"requestsPerMinute", "analysesPerMinute", "dailyBudgetUsd"}}`, each field optional. */
  TIERS: z
    .string()
    .optional()
    .transform((text, ctx) => (text === undefined || text.trim() === '' ? {} : parseJson(text, ctx)))
    .pipe(tiersOverride)
    .transform(
      (override): Tiers =>
        Object.fromEntries(TIER_NAMES.map((name) => [name, { ...DEFAULT_TIERS[name], ...override[name] }])) as Tiers,
    ),
};
