import { resolve } from 'node:path';
import {
  loadConfig,
  loadProviderSettings,
  logEnv,
  providerEnv,
  type ProviderSettings,
  redisEnv,
} from '@ultra/platform';
import { modelIdSchema } from '@ultra/contracts';
import { z } from 'zod';

// src/config and dist/config sit at the same depth, so this finds the repository's catalog from source and build.
const DEFAULT_MODELS_FILE = resolve(__dirname, '../../../../config/models.json');

export const workerConfigSchema = z.object({
  ...redisEnv,
  ...logEnv,
  ...providerEnv,
  /** The model catalog; its prices give each output's cost. */
  ULTRA_MODELS_FILE: z
    .string()
    .default(DEFAULT_MODELS_FILE)
    .transform((file) => resolve(file)),
  /** Token deltas of a streaming call are written to Redis at most this often, in batches. */
  DELTA_FLUSH_MS: z.coerce.number().int().min(0).max(10_000).default(50),
  /** Model calls one worker process runs at once; they are I/O-bound, so this can be high. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(64),
  /** How long a worker's claim on a task lasts without renewal; a crashed worker's tasks are re-run after it. */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(500).default(30_000),
  /** How often workers look for tasks whose worker died. */
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(200).default(30_000),
  /** Upper bound of one model call, unless the task asks for less. */
  MODEL_CALL_TIMEOUT_MS: z.coerce.number().int().min(1).default(120_000),
  MOCK_LATENCY_MS: z.coerce.number().int().min(0).max(600_000).default(250),
  MOCK_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
  /** Comma-separated mock model ids that always fail, to see partial failures without a real outage. */
  MOCK_FAIL_MODELS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(modelIdSchema)),
});
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/**
 * Validated once when this module is first imported: the queue processor's decorator needs the lock settings
 * before Nest starts. main.ts imports lazily so a bad variable is reported readably.
 */
export const workerConfig: WorkerConfig = loadConfig('provider-worker', workerConfigSchema);

/** The providers this worker can call, with their keys; validated with the rest of the configuration. */
export const workerProviders: ProviderSettings[] = loadProviderSettings('provider-worker', workerConfig);
