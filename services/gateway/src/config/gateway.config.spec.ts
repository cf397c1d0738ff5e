import { resolve } from 'node:path';
import { ConfigValidationError, loadConfig } from '@ultra/platform';
import { bodyLimitOf, gatewayConfig } from './gateway.config';

const base = { DATABASE_URL: 'postgres://u@localhost/db' };
const load = (env: Record<string, string>) => loadConfig('gateway', gatewayConfig, { ...base, ...env });

function problemsOf(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems.map((p) => `${p.variable}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('gatewayConfig', () => {
  it('applies the documented defaults', () => {
    const config = load({});
    expect(config).toMatchObject({
      PORT: 3000,
      JWT_ACCESS_TTL: 900,
      JWT_REFRESH_TTL: 604_800,
      MAX_PROMPT_CHARS: 32_000,
      RESULTS_URL: 'http://127.0.0.1:3001',
      NODE_ENV: 'development',
      MAX_CALLS_PER_ANALYSIS: 64,
      REDIS_COMMAND_TIMEOUT_MS: 800,
      QUEUE_ADD_TIMEOUT_MS: 1_000,
    });
    expect(config.ULTRA_PATTERNS_DIR).toBeUndefined();
    expect(config.ULTRA_MODELS_FILE).toMatch(/config[/\\]models\.json$/);
  });

  it('generates a random JWT secret outside production and says so', () => {
    const [a, b] = [load({}), load({})];
    expect(a.JWT_SECRET_GENERATED).toBe(true);
    expect(a.JWT_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(a.JWT_SECRET).not.toBe(b.JWT_SECRET);
    expect(load({ JWT_SECRET: 'dev' })).toMatchObject({ JWT_SECRET: 'dev', JWT_SECRET_GENERATED: false });
  });

  it('requires a strong JWT secret and a key-encryption key in production', () => {
    const kek = { KEY_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` };
    expect(problemsOf({ NODE_ENV: 'production', ...kek })).toEqual([
      'JWT_SECRET: is required when NODE_ENV=production',
    ]);
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'short', ...kek })).toEqual([
      'JWT_SECRET: must be at least 32 characters when NODE_ENV=production',
    ]);
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) })).toEqual([
      expect.stringMatching(/^KEY_ENCRYPTION_KEYS: /),
    ]);
    expect(load({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), ...kek }).JWT_SECRET_GENERATED).toBe(false);
  });

  it.each([
    ['900', 900],
    ['30s', 30],
    ['15m', 900],
    ['12h', 43_200],
    ['7d', 604_800],
    ['2w', 1_209_600],
  ])('reads the lifetime %s as %i seconds', (ttl, seconds) => {
    expect(load({ JWT_ACCESS_TTL: ttl }).JWT_ACCESS_TTL).toBe(seconds);
  });

  it('names every bad variable', () => {
    const problems = problemsOf({
      JWT_ACCESS_TTL: '15 minutes',
      JWT_REFRESH_TTL: '0d',
      MAX_PROMPT_CHARS: 'lots',
      RESULTS_URL: 'ftp://x',
      MAX_CALLS_PER_ANALYSIS: '0',
      REDIS_COMMAND_TIMEOUT_MS: '0',
      QUEUE_ADD_TIMEOUT_MS: 'a second',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'JWT_ACCESS_TTL',
      'JWT_REFRESH_TTL',
      'MAX_CALLS_PER_ANALYSIS',
      'MAX_PROMPT_CHARS',
      'QUEUE_ADD_TIMEOUT_MS',
      'REDIS_COMMAND_TIMEOUT_MS',
      'RESULTS_URL',
    ]);
  });

  it('resolves ULTRA_PATTERNS_DIR to an absolute path', () => {
    expect(load({ ULTRA_PATTERNS_DIR: 'my-patterns' }).ULTRA_PATTERNS_DIR).toBe(resolve('my-patterns'));
  });

  it('drops a trailing slash of RESULTS_URL', () => {
    expect(load({ RESULTS_URL: 'http://results:3001/' }).RESULTS_URL).toBe('http://results:3001');
  });

  it('leaves room in the body limit for a JSON-escaped prompt at its limit', () => {
    const limits = { BODY_LIMIT_BYTES: 1_048_576 };
    expect(bodyLimitOf({ ...limits, MAX_PROMPT_CHARS: 32_000 })).toBe(1_048_576);
    expect(bodyLimitOf({ ...limits, MAX_PROMPT_CHARS: 500_000 })).toBeGreaterThan(500_000 * 6);
    expect(bodyLimitOf({ BODY_LIMIT_BYTES: 4_096, MAX_PROMPT_CHARS: 32_000 })).toBeGreaterThan(32_000 * 6);
  });

  it('reads CORS_ORIGINS as a list, empty by default, and refuses * mixed with origins or a bad origin', () => {
    expect(load({}).CORS_ORIGINS).toEqual([]);
    expect(load({ CORS_ORIGINS: 'https://a.example.com/, http://localhost:5173' }).CORS_ORIGINS).toEqual([
      'https://a.example.com',
      'http://localhost:5173',
    ]);
    expect(load({ CORS_ORIGINS: '*' }).CORS_ORIGINS).toEqual(['*']);
    expect(problemsOf({ CORS_ORIGINS: '*,https://a.example.com' })).toEqual([
      'CORS_ORIGINS: must not mix * with other origins',
    ]);
    expect(problemsOf({ CORS_ORIGINS: 'a.example.com' })).toHaveLength(1);
  });
});
