import type { ErrorCategory, Usage } from '@ultra/contracts';
import { counterOf, histogramOf } from '@ultra/platform';

/**
 * The provider-worker's series, besides `ultra_breaker_state` (BreakerStateMetrics, read from Redis when scraped).
 * Labels are providers, catalog models and error categories: a few dozen values each, never a user, an analysis or
 * a key.
 */
const callDuration = histogramOf({
  name: 'ultra_provider_call_duration_seconds',
  help: 'Time of one call to a model provider, by provider, model and outcome (success or error).',
  labelNames: ['provider', 'model', 'outcome'] as const,
});
const firstToken = histogramOf({
  name: 'ultra_provider_time_to_first_token_seconds',
  help: 'Time from the start of a streamed provider call to its first text delta.',
  labelNames: ['provider', 'model'] as const,
});
const tokens = counterOf({
  name: 'ultra_provider_tokens_total',
  help: 'Tokens of provider calls, by direction (in: prompt, out: completion).',
  labelNames: ['provider', 'model', 'direction'] as const,
});
const cost = counterOf({
  name: 'ultra_provider_cost_usd_total',
  help: 'Cost in US dollars of provider calls, at catalog prices.',
  labelNames: ['provider', 'model'] as const,
});
const errors = counterOf({
  name: 'ultra_provider_errors_total',
  help: 'Failed provider calls by error category.',
  labelNames: ['provider', 'model', 'category'] as const,
});
const cacheHits = counterOf({
  name: 'ultra_response_cache_hits_total',
  help: 'Answers served from the response cache.',
});
const cacheMisses = counterOf({
  name: 'ultra_response_cache_misses_total',
  help: 'Response cache lookups that found nothing (the model was called).',
});
const rateLimitWait = histogramOf({
  name: 'ultra_rate_limit_wait_seconds',
  help: "Waits imposed by a provider's limits before a call could start, by provider and limit.",
  labelNames: ['provider', 'limit'] as const,
});

export const providerMetrics = {
  answered(provider: string, model: string, seconds: number, usage: Usage): void {
    callDuration.observe({ provider, model, outcome: 'success' }, seconds);
    tokens.inc({ provider, model, direction: 'in' }, usage.inputTokens);
    tokens.inc({ provider, model, direction: 'out' }, usage.outputTokens);
    if (usage.costUsd) cost.inc({ provider, model }, usage.costUsd);
  },
  failed(provider: string, model: string, seconds: number, category: ErrorCategory): void {
    callDuration.observe({ provider, model, outcome: 'error' }, seconds);
    errors.inc({ provider, model, category });
  },
  firstToken(provider: string, model: string, seconds: number): void {
    firstToken.observe({ provider, model }, seconds);
  },
  cacheLookup(hit: boolean): void {
    (hit ? cacheHits : cacheMisses).inc();
  },
  rateLimitWait(provider: string, limit: string, seconds: number): void {
    rateLimitWait.observe({ provider, limit }, seconds);
  },
};
