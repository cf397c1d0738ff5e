import { resolve } from 'node:path';
import {
  keyEncryptionEnv,
  loadConfig,
  loadProviderSettings,
  logEnv,
  metricsEnv,
  providerBaseUrlEnv,
  providerEnv,
  type ProviderSettings,
  redisEnv,
} from '@ultra/platform';
import { modelIdSchema, analysisEventsEnv } from '@ultra/contracts';
import { z } from 'zod';
import { loadFallbackChains } from '../resilience/fallback-chains';
import { loadProviderLimits, providerLimitsEnv } from '../resilience/provider-limits.config';

// src/config and dist/config sit at the same depth, so this finds the repository's catalog from source and build.
const DEFAULT_MODELS_FILE = resolve(__dirname, '../../../../config/models.json');

export const workerConfigSchema = z
  .object({
    ...redisEnv,
    ...analysisEventsEnv,
    ...logEnv,
    ...metricsEnv,
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
    /** A breaker opens after this many failures in a row that say the provider or model is unhealthy. */
    BREAKER_FAILURE_THRESHOLD: z.coerce.number().int().min(1).max(1_000).default(10),
    /** …or when at least this share of the calls in the window failed that way, */
    BREAKER_FAILURE_RATIO: z.coerce.number().gt(0).max(1).default(0.5),
    /** …counting only once the window holds this many calls. */
    BREAKER_MIN_CALLS: z.coerce.number().int().min(1).max(100_000).default(20),
    BREAKER_WINDOW_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
    /** How long an open breaker fails calls fast before it lets one probe call through. */
    BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    ...providerLimitsEnv,
    /** How long a completed answer is served from the response cache; 0 turns the cache off. */
    RESPONSE_CACHE_TTL_S: z.coerce
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .default(3_600),
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
    /**
     * The gateway's database, read for users' own provider keys (BYOK). BYOK is on when this and KEY_ENCRYPTION_KEYS
     * are both set; otherwise every call uses the server's keys.
     */
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
    ...keyEncryptionEnv,
    ...providerBaseUrlEnv,
    /** How long an opened user key's SDK client is kept in memory before the database is asked again. */
    PROVIDER_KEY_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(30_000),
    NODE_ENV: z.string().default('development'),
  })
  .superRefine((config, ctx) => {
    // Without both, BYOK is off here: a user's call would silently run on (and bill) the server's key although the
    // gateway stored the user's own. Production must fail at boot instead.
    if (config.NODE_ENV !== 'production') return;
    for (const variable of ['DATABASE_URL', 'KEY_ENCRYPTION_KEYS'] as const) {
      if (!config[variable]) {
        ctx.addIssue({
          code: 'custom',
          path: [variable],
          message: "is required when NODE_ENV=production (users' own provider keys)",
        });
      }
    }
  });
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/**
 * Validated once when this module is first imported: the queue processor's decorator needs the lock settings
 * before Nest starts. main.ts imports lazily so a bad variable is reported readably.
 */
export const workerConfig: WorkerConfig = loadConfig('provider-worker', workerConfigSchema);

/** The providers this worker can call, with their keys; validated with the rest of the configuration. */
export const workerProviders: ProviderSettings[] = loadProviderSettings('provider-worker', workerConfig);

/** Per-provider limits: PROVIDER_LIMITS over the limits declared in ULTRA_PROVIDERS_FILE. */
export const workerLimits = loadProviderLimits('provider-worker', workerConfig, workerProviders);

/** Each model's fallbacks from the catalog and the providers file, checked against the known models. */
export const workerFallbacks = loadFallbackChains('provider-worker', workerConfig.ULTRA_MODELS_FILE, workerProviders);
