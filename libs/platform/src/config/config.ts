import { z } from 'zod';

/** Thrown at boot when the environment does not satisfy a service's schema; names every bad variable. */
export class ConfigValidationError extends Error {
  constructor(
    readonly service: string,
    readonly problems: { variable: string; message: string }[],
  ) {
    super(
      `${service}: invalid configuration\n` +
        problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n') +
        '\nSee .env.example and the configuration table in README.md.',
    );
    this.name = 'ConfigValidationError';
  }
}

type Env = Record<string, string | undefined>;

/** Parses the environment once; empty strings count as unset so `FOO=` falls back to the default. */
export function loadConfig<S extends z.ZodType>(service: string, schema: S, env: Env = process.env): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => ({
    variable: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  throw new ConfigValidationError(service, problems);
}

export const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const logEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Opt-in: prompts and model answers in the logs (for debugging; they are users' data). Secrets never are. */
  LOG_PROMPTS: booleanish.default(false),
};

export const redisEnv = {
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
    .default('redis://127.0.0.1:6379'),
  /**
   * Key prefix of every queue and of every other key Ultra writes; lets several installations (or test runs) share
   * one Redis. In braces (`{ultra}`) it is a Redis Cluster hash tag: every key then hashes to one slot, which BullMQ's
   * and Ultra's multi-key scripts need on a cluster.
   */
  QUEUE_PREFIX: z
    .string()
    .regex(
      /^(?:[A-Za-z0-9_-]{1,64}|\{[A-Za-z0-9_-]{1,62}\})$/,
      'letters, digits, _ and - only, optionally all in braces as a Redis Cluster hash tag ({ultra})',
    )
    .default('ultra'),
};

export const databaseEnv = {
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
};

export const httpEnv = (defaultPort: number) => ({
  PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
  HOST: z.string().default('0.0.0.0'),
});

const optionalUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional();

/**
 * Keys and endpoints of the built-in providers (base URLs default to the vendor's) and the file declaring
 * OpenAI-compatible servers. A provider without a key is `needs_key`: listed, but refused at submit.
 */
export const providerEnv = {
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: optionalUrl,
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: optionalUrl,
  GOOGLE_API_KEY: z.string().optional(),
  GOOGLE_BASE_URL: optionalUrl,
  MISTRAL_API_KEY: z.string().optional(),
  MISTRAL_BASE_URL: optionalUrl,
  ULTRA_PROVIDERS_FILE: z.string().optional(),
};

export type LogConfig = z.infer<z.ZodObject<typeof logEnv>>;
export type RedisConfig = z.infer<z.ZodObject<typeof redisEnv>>;
export type DatabaseConfig = z.infer<z.ZodObject<typeof databaseEnv>>;
export type ProviderConfig = z.infer<z.ZodObject<typeof providerEnv>>;
