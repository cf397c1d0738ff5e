import { z } from 'zod';
import { ConfigValidationError, databaseEnv, loadConfig, redisEnv } from './config';
import { ConfigModule } from './config.module';

const schema = z.object({ ...redisEnv, ...databaseEnv, PORT: z.coerce.number().int().min(1) });

describe('loadConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const config = loadConfig('test', schema, { DATABASE_URL: 'postgres://u@localhost/db', PORT: '8080' });
    expect(config).toMatchObject({ REDIS_URL: 'redis://127.0.0.1:6379', QUEUE_PREFIX: 'ultra', PORT: 8080 });
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig('test', schema, { DATABASE_URL: 'postgres://u@localhost/db', PORT: '1', REDIS_URL: '' });
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('names every bad variable in one readable error', () => {
    let caught: unknown;
    try {
      loadConfig('gateway', schema, { REDIS_URL: 'http://nope', PORT: 'abc' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const error = caught as ConfigValidationError;
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'PORT', 'REDIS_URL']);
    expect(error.message).toContain('gateway: invalid configuration');
    expect(error.message).toContain('REDIS_URL: must be a redis:// or rediss:// URL');
  });

  it('takes a QUEUE_PREFIX in braces (a Redis Cluster hash tag) and refuses half a tag or other characters', () => {
    const db = { DATABASE_URL: 'postgres://u@localhost/db', PORT: '1' };
    expect(loadConfig('test', schema, { ...db, QUEUE_PREFIX: '{ultra}' }).QUEUE_PREFIX).toBe('{ultra}');
    expect(loadConfig('test', schema, { ...db, QUEUE_PREFIX: 'ultra-prod_2' }).QUEUE_PREFIX).toBe('ultra-prod_2');
    for (const bad of ['{ultra', 'ultra}', '{}', '{ul}tra}', 'ultra:x', '{ultra}:x', 'a b', 'x'.repeat(65)]) {
      expect(() => loadConfig('test', schema, { ...db, QUEUE_PREFIX: bad })).toThrow(/QUEUE_PREFIX: letters, digits/);
    }
  });

  it('is what ConfigModule provides', () => {
    process.env.ULTRA_SPEC_VALUE = '7';
    const module = ConfigModule.forRoot('spec', z.object({ ULTRA_SPEC_VALUE: z.coerce.number() }));
    expect(module.providers).toEqual([expect.objectContaining({ useValue: { ULTRA_SPEC_VALUE: 7 } })]);
    delete process.env.ULTRA_SPEC_VALUE;
  });
});
