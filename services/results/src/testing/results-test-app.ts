import { randomUUID } from 'node:crypto';
import type { CreateAnalysisCommand } from '@ultra/contracts';
import { loadConfig, runMigrations } from '@ultra/platform';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { startTestHttpService, type TestHttpService } from '../../../../test/support/http-service';
import { type TestRedis, useTestRedis } from '../../../../test/support/redis';
import { RESULTS_SERVICE, resultsConfig } from '../config/results.config';
import { resultsDatabase } from '../database/results-database.options';
import { fourStagePattern } from './patterns';

export interface ResultsTestApp {
  /** e.g. http://127.0.0.1:41234 (routes are under /internal). */
  url: string;
  service: TestHttpService;
  db: TestDatabase;
  redis: TestRedis;
  /** Runs one statement on the test database, e.g. to put an analysis where the queues would have. */
  sql<R extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/**
 * The whole results service in this process on a free port, against a fresh database (migrated) and a Redis
 * prefix of its own. `env` adds or overrides variables, e.g. LOG_LEVEL; `database` replaces the fresh database.
 */
export async function startResultsTestApp(
  env: Record<string, string> = {},
  database?: TestDatabase,
): Promise<ResultsTestApp> {
  const db = database ?? (await createTestDatabase());
  const redis = await useTestRedis();
  await runMigrations({ DATABASE_URL: db.url, DATABASE_POOL_SIZE: 1 }, resultsDatabase);
  const service = await startTestHttpService(
    () =>
      jest
        .requireActual<typeof import('../app.module')>('../app.module')
        .AppModule.forRoot(loadConfig(RESULTS_SERVICE, resultsConfig)),
    { DATABASE_URL: db.url, REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix, LOG_LEVEL: 'warn', ...env },
  );
  return {
    url: service.url,
    service,
    db,
    redis,
    sql: async <R extends Record<string, unknown>>(text: string, values: unknown[] = []) => {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        return (await client.query<R>(text, values)).rows;
      } finally {
        await client.end();
      }
    },
    close: async () => {
      await service.close();
      await db.drop();
      await redis.stop();
    },
  };
}

/** A valid POST /internal/analyses body for a new analysis of a new user, as the gateway sends it. */
export function analysisCommand(overrides: Partial<CreateAnalysisCommand> = {}): CreateAnalysisCommand {
  return {
    id: randomUUID(),
    userId: randomUUID(),
    requestId: `req-${randomUUID()}`,
    prompt: 'What is the best sorting algorithm?',
    models: ['mock:alpha', 'mock:beta'],
    ultraModel: 'mock:alpha',
    pattern: 'critique',
    patternSpec: fourStagePattern(),
    params: {},
    options: {},
    ...overrides,
  };
}
