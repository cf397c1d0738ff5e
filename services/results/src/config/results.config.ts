import { databaseEnv, logEnv, redisEnv } from '@ultra/platform';
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
  ...databaseEnv,
  RESULTS_PORT: port.default(3001),
  RESULTS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Jobs of the results queue handled at once; each holds at most one database connection. */
  RESULTS_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(16),
});
export type ResultsConfig = z.infer<typeof resultsConfig>;

/** What `migrate.js` needs: no Redis, no HTTP. */
export const migrationConfig = z.object({ ...logEnv, ...databaseEnv });
export type MigrationConfig = z.infer<typeof migrationConfig>;
