import { ConfigValidationError, type ProviderSettings } from '@ultra/platform';
import { z } from 'zod';

/** The limits of one provider; each is optional, and a provider without any is not limited (but still cools). */
export const providerLimitSchema = z
  .object({
    requestsPerMinute: z.number().int().min(1).optional(),
    tokensPerMinute: z.number().int().min(1).optional(),
    concurrency: z.number().int().min(1).optional(),
  })
  .strict();
export type ProviderLimit = z.infer<typeof providerLimitSchema>;

const limitsByProvider = z.record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a provider id'), providerLimitSchema);

export const providerLimitsEnv = {
  /** JSON: `{"openai":{"requestsPerMinute":500,"tokensPerMinute":200000,"concurrency":16}}`. */
  PROVIDER_LIMITS: z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON, e.g. {"openai":{"concurrency":16}}' });
        return z.NEVER;
      }
    })
    .pipe(limitsByProvider),
  /**
   * How far ahead of the steady rate a provider may run: requests (and tokens) per minute are spread evenly, with
   * at most this much of a minute's allowance sent at once. Providers enforce their limits over short spans too.
   */
  PROVIDER_LIMIT_BURST_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
};

/**
 * Each provider's limits: those declared with an OpenAI-compatible server in the providers file, field by field
 * overridden by PROVIDER_LIMITS. A provider named in PROVIDER_LIMITS that does not exist is a configuration error.
 */
export function loadProviderLimits(
  service: string,
  config: { PROVIDER_LIMITS: Record<string, ProviderLimit> },
  providers: ProviderSettings[],
): ReadonlyMap<string, ProviderLimit> {
  const known = new Set(['mock', ...providers.map((p) => p.id)]);
  const unknown = Object.keys(config.PROVIDER_LIMITS).filter((id) => !known.has(id));
  if (unknown.length) {
    throw new ConfigValidationError(service, [
      {
        variable: 'PROVIDER_LIMITS',
        message: `unknown provider(s) ${unknown.join(', ')} (known: ${[...known].join(', ')})`,
      },
    ]);
  }
  const limits = new Map<string, ProviderLimit>();
  for (const provider of providers) if (provider.limits) limits.set(provider.id, provider.limits);
  for (const [id, limit] of Object.entries(config.PROVIDER_LIMITS)) limits.set(id, { ...limits.get(id), ...limit });
  return limits;
}
