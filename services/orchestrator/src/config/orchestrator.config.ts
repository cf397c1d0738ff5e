import { analysisEventsEnv } from '@ultra/contracts';
import { loadConfig, logEnv, metricsEnv, redisEnv } from '@ultra/platform';
import { z } from 'zod';

export const orchestratorConfigSchema = z.object({
  ...redisEnv,
  ...analysisEventsEnv,
  ...logEnv,
  ...metricsEnv,
  /** Analysis and stage events handled at once; each is a few Redis round trips. */
  ORCHESTRATOR_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(32),
  /** Tries per model call, counting the first; retryable failures back off exponentially between them. */
  MODEL_CALL_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  MODEL_CALL_BACKOFF_MS: z.coerce.number().int().min(0).default(1_000),
  /** An analysis still running this long after it started fails with deadline_exceeded; its calls are aborted. */
  ANALYSIS_DEADLINE_MS: z.coerce.number().int().min(1_000).default(600_000),
  /**
   * How long an orchestrator's claim on a step lasts without renewal. Steps take milliseconds and BullMQ renews
   * the claim while one runs, so a short lock lets another orchestrator take over a crashed one's step quickly.
   */
  ORCHESTRATOR_LOCK_DURATION_MS: z.coerce.number().int().min(500).default(5_000),
  /** How often orchestrators look for steps whose orchestrator died. */
  ORCHESTRATOR_STALLED_INTERVAL_MS: z.coerce.number().int().min(200).default(5_000),
  /** How long the orchestrator keeps an analysis' working context in Redis. */
  ANALYSIS_CONTEXT_TTL_S: z.coerce.number().int().min(60).default(86_400),
});
export type OrchestratorConfig = z.infer<typeof orchestratorConfigSchema>;

/** Validated once, when first imported: the processor's decorator needs the concurrency before Nest starts. */
export const orchestratorConfig: OrchestratorConfig = loadConfig('orchestrator', orchestratorConfigSchema);
