import { ConfigValidationError, loadConfig } from '@ultra/platform';
import { workerConfigSchema } from './worker.config';

const KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
const DATABASE_URL = 'postgres://ultra@db:5432/ultra';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig('provider-worker', workerConfigSchema, env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    return error.problems.map((p) => `${p.variable}: ${p.message}`);
  }
}

describe('provider-worker configuration', () => {
  it('needs the database and the key-encryption keys in production, so BYOK never silently falls back', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      "DATABASE_URL: is required when NODE_ENV=production (users' own provider keys)",
      "KEY_ENCRYPTION_KEYS: is required when NODE_ENV=production (users' own provider keys)",
    ]);
    expect(problemsOf({ NODE_ENV: 'production', DATABASE_URL })).toEqual([
      "KEY_ENCRYPTION_KEYS: is required when NODE_ENV=production (users' own provider keys)",
    ]);
    expect(problemsOf({ NODE_ENV: 'production', DATABASE_URL, KEY_ENCRYPTION_KEYS: KEYS })).toEqual([]);
  });

  it('runs without them elsewhere (every call on the server keys), as npm start and the tests do', () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'test' })).toEqual([]);
  });
});
