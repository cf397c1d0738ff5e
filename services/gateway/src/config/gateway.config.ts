import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { DEFAULT_MAX_PROMPT_CHARS, MAX_MODELS_PER_ANALYSIS, type PatternLimits, userTiers } from '@ultra/contracts';
import {
  databaseEnv,
  httpEnv,
  keyEncryptionEnv,
  logEnv,
  providerBaseUrlEnv,
  providerEnv,
  redisEnv,
  webhookEnv,
} from '@ultra/platform';
import { z } from 'zod';
import { authEnv } from '../auth/auth.config';
import { eventsEnv } from '../events/events.config';
import { checkExternalIdentity, externalIdentityEnv } from '../external-identity/external-identity.config';
import { tiersEnv } from '../limits/tiers.config';

export const SERVICE_NAME = 'gateway';

// src/config and dist/config sit at the same depth, so this finds the repository's catalog from source and build.
const DEFAULT_MODELS_FILE = resolve(__dirname, '../../../../config/models.json');
const DEFAULT_WEB_DIST_DIR = resolve(__dirname, '../../../../apps/web/dist');
/** Ultra's own patterns, one document per file; always loaded, beside those of ULTRA_PATTERNS_DIR. */
export const BUILTIN_PATTERNS_DIR = resolve(__dirname, '../../../../config/patterns');

const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };

/** A token lifetime such as `900`, `15m`, `12h` or `7d`, as whole seconds. */
export const ttlSeconds = z
  .string()
  .regex(/^\d+[smhdw]?$/, 'must be seconds or a number with a unit s, m, h, d or w, e.g. 15m or 7d')
  .transform((value) => {
    const unit = /[smhdw]$/.test(value) ? value.slice(-1) : 's';
    return Number.parseInt(value, 10) * (TTL_UNITS[unit] ?? 1);
  })
  .refine((seconds) => seconds > 0, 'must be longer than zero');

const PRODUCTION_SECRET_MIN = 32;

/** `https://app.example.com,https://admin.example.com`; `*` only alone, so a typo cannot open the API to all. */
const corsOrigins = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((origin) => origin.trim().replace(/\/+$/, ''))
      .filter(Boolean),
  )
  .refine(
    (origins) => origins.every((origin) => origin === '*' || /^https?:\/\/[^/\s]+$/.test(origin)),
    'must be a comma-separated list of origins such as https://app.example.com, or * alone',
  )
  .refine((origins) => !origins.includes('*') || origins.length === 1, 'must not mix * with other origins');

export const gatewayConfig = z
  .object({
    ...httpEnv(3000),
    ...redisEnv,
    ...databaseEnv,
    ...logEnv,
    ...providerEnv,
    ...webhookEnv,
    ...providerBaseUrlEnv,
    ...keyEncryptionEnv,
    NODE_ENV: z.string().default('development'),
    JWT_SECRET: z.string().optional(),
    JWT_ACCESS_TTL: ttlSeconds.default(15 * 60),
    JWT_REFRESH_TTL: ttlSeconds.default(7 * 86_400),
    MAX_PROMPT_CHARS: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_MAX_PROMPT_CHARS),
    RESULTS_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .default('http://127.0.0.1:3001')
      .transform((url) => url.replace(/\/+$/, '')),
    ULTRA_MODELS_FILE: z
      .string()
      .default(DEFAULT_MODELS_FILE)
      .transform((file) => resolve(file)),
    /** The built web UI (apps/web/dist), served at `/`; without an index.html there, the API runs without the UI. */
    WEB_DIST_DIR: z
      .string()
      .default(DEFAULT_WEB_DIST_DIR)
      .transform((dir) => resolve(dir)),
    /** A folder of further pattern files (*.yaml, *.yml, *.json), loaded at boot beside the built-ins. */
    ULTRA_PATTERNS_DIR: z
      .string()
      .optional()
      .transform((dir) => (dir === undefined ? undefined : resolve(dir))),
    /** Model calls one analysis may make; a pattern must stay within it at its largest parameters. */
    MAX_CALLS_PER_ANALYSIS: z.coerce.number().int().min(1).max(10_000).default(64),
    /** How long an Idempotency-Key stays bound to the answer it got (seconds). */
    IDEMPOTENCY_TTL_S: z.coerce
      .number()
      .int()
      .min(60)
      .max(30 * 86_400)
      .default(86_400),
    /** After a cancel, how long the orchestrator has to end the analysis before results ends it regardless. */
    CANCEL_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
    /**
     * Every Redis command of the gateway (its job producer's included) fails at once while Redis is unreachable and
     * after this long without an answer, so a request answers 503 instead of hanging. Raise it for a distant Redis.
     */
    REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(800),
    /** How long a request waits for Redis to take a job (start, cancel) before the caller is told to retry (503). */
    QUEUE_ADD_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
    ...eventsEnv,
    ...externalIdentityEnv,
    ...authEnv,
    ...tiersEnv,
    /** The tier a new account starts on. */
    DEFAULT_TIER: z.enum(userTiers).default('free'),
    /** Largest JSON body (bytes); raised by itself when MAX_PROMPT_CHARS needs more (bodyLimitOf). */
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(1_073_741_824).default(1_048_576),
    /** Origins allowed to call the API from a browser, comma-separated; empty: no CORS headers at all. */
    CORS_ORIGINS: corsOrigins,
    /** Strict-Transport-Security max-age (seconds) when the gateway is served over TLS; 0 sends no HSTS header. */
    HSTS_MAX_AGE_S: z.coerce.number().int().min(0).max(63_072_000).default(0),
    /** Largest document `POST /api/documents` accepts (bytes). */
    DOCUMENT_MAX_BYTES: z.coerce.number().int().min(1).max(1_073_741_824).default(10_485_760),
    /** Tokens of document text one analysis' prompts may carry; over it, the chunks most relevant to the question. */
    DOCUMENT_TOKEN_BUDGET: z.coerce.number().int().min(400).max(1_000_000).default(8_000),
    /** Tokens of earlier exchanges a follow-up's prompts may carry; the oldest are left out first. */
    HISTORY_TOKEN_BUDGET: z.coerce.number().int().min(0).max(1_000_000).default(4_000),
  })
  .superRefine((config, ctx) => {
    checkExternalIdentity(config, ctx);
    if (config.NODE_ENV !== 'production') return;
    // Users' provider keys are sealed under it; production must never run without (or answer 503 to BYOK).
    if (!config.KEY_ENCRYPTION_KEYS) {
      ctx.addIssue({ code: 'custom', path: ['KEY_ENCRYPTION_KEYS'], message: 'is required when NODE_ENV=production' });
    }
    // A guessable or per-process secret in production would forge or invalidate every session.
    if (!config.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required when NODE_ENV=production' });
    } else if (config.JWT_SECRET.length < PRODUCTION_SECRET_MIN) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: `must be at least ${PRODUCTION_SECRET_MIN} characters when NODE_ENV=production`,
      });
    }
  })
  .transform(({ JWT_SECRET, ...config }) => ({
    ...config,
    // Outside production a missing secret is generated so `npm start` works out of the box; tokens then
    // last only as long as the process.
    JWT_SECRET: JWT_SECRET ?? randomBytes(32).toString('base64url'),
    JWT_SECRET_GENERATED: JWT_SECRET === undefined,
  }));

export type GatewayConfig = z.infer<typeof gatewayConfig>;

/** What the migration CLI needs: only the database, so it runs without the gateway's secrets. */
export const migrateConfig = z.object({ ...databaseEnv });
export type MigrateConfig = z.infer<typeof migrateConfig>;

/** What `npm run admin` needs: the database, and the new admin's password when not asked for on a terminal. */
export const adminCliConfig = z.object({
  ...databaseEnv,
  DEFAULT_TIER: z.enum(userTiers).default('free'),
  PASSWORD_MIN_LENGTH: authEnv.PASSWORD_MIN_LENGTH,
  ADMIN_PASSWORD: z.string().optional(),
});
export type AdminCliConfig = z.infer<typeof adminCliConfig>;

/** What every pattern, built-in or a user's, must stay within. */
export function patternLimitsOf(config: Pick<GatewayConfig, 'MAX_CALLS_PER_ANALYSIS'>): PatternLimits {
  return { maxCalls: config.MAX_CALLS_PER_ANALYSIS, maxModels: MAX_MODELS_PER_ANALYSIS };
}

/**
 * Largest accepted request body. A prompt at its limit can take up to 6 bytes per character once JSON-escaped,
 * so an over-long prompt gets its own validation error instead of 413; anything much larger is refused unread.
 */
export function bodyLimitOf(config: Pick<GatewayConfig, 'MAX_PROMPT_CHARS' | 'BODY_LIMIT_BYTES'>): number {
  return Math.max(config.BODY_LIMIT_BYTES, config.MAX_PROMPT_CHARS * 6 + 65_536);
}
