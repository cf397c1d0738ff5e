import { analysisEventsEnv } from '@ultra/contracts';
import { databaseEnv, logEnv, redisEnv, webhookEnv } from '@ultra/platform';
import { z } from 'zod';

export const RESULTS_SERVICE = 'results';

const port = z.coerce.number().int().min(0).max(65535);

/**
 * The results service's whole environment. Platform's httpEnv uses PORT/HOST; results has its own names because
 * it runs beside the gateway (which owns PORT) and must stay on loopback unless told otherwise.
 */
export const resultsConfig = z.object({
  ...logEnv,
  ...redisEnv,
  ...analysisEventsEnv,
  ...databaseEnv,
  RESULTS_PORT: port.default(3001),
  RESULTS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Jobs of the results queue handled at once; each holds at most one database connection. */
  RESULTS_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(16),
  /** How often the watchdog sweeps for analyses that are stuck or whose work was lost (also once at boot). */
  WATCHDOG_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /**
   * How long past its deadline an analysis may go before the watchdog ends it, and how long an analysis must have
   * made no progress before it counts as lost; longer than any step takes, so a live analysis is never touched.
   */
  WATCHDOG_GRACE_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  /** An analysis no orchestrator has started after this long fails with `interrupted`. */
  ANALYSIS_QUEUE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(7 * 86_400_000)
    .default(3_600_000),
  ...webhookEnv,
  /** How long a webhook receiver has to answer an attempt; a slower one counts as failed and is retried. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  /** First wait before a failed webhook is retried; each further wait doubles (at most an hour) for 24 h. */
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
});
export type ResultsConfig = z.infer<typeof resultsConfig>;

/** What `migrate.js` needs: no Redis, no HTTP. */
export const migrationConfig = z.object({ ...logEnv, ...databaseEnv });
export type MigrationConfig = z.infer<typeof migrationConfig>;
