import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { type ModelCallJob, type ModelCallResult, QueueName, SCHEMA_VERSION } from '@ultra/contracts';
import { FakeAnthropicServer, FakeGeminiServer, FakeMistralServer, FakeOpenAiServer } from '@ultra/fake-llm';
import { redisOptionsFromUrl } from '@ultra/platform';
import { type JobsOptions, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { type TestRedis, useTestRedis } from '../../../../../test/support/redis';
import { jsonFile, shareUndiciDispatcherWithJestRealm } from './provider-test-kit';

export { jsonFile };

/** A model call as the orchestrator would send it, on one question, with `overrides`. */
export function modelCall(model: string, overrides: Partial<ModelCallJob> = {}): ModelCallJob {
  return {
    schemaVersion: SCHEMA_VERSION,
    analysisId: randomUUID(),
    requestId: 'req-resilience-test',
    stage: 'initial',
    stageIndex: 0,
    model,
    sample: 0,
    messages: [{ role: 'user', content: `## Question\nWhat is a circuit breaker? (${randomUUID()})` }],
    options: { stream: false },
    ...overrides,
  };
}

/** The repository's catalog without its fallbacks, so a failure stays the model's own unless a test wants more. */
function catalogWithoutFallbacks(): string {
  const catalog = JSON.parse(readFileSync(resolve(__dirname, '../../../../../config/models.json'), 'utf8')) as {
    models: { fallbacks?: string[] }[];
  };
  return jsonFile('models.json', { models: catalog.models.map((m) => ({ ...m, fallbacks: [] })) });
}

export interface WorkerHarness {
  redis: TestRedis;
  /** A client of its own, to read and write the worker's keys. */
  client: Redis;
  app: INestApplicationContext;
  queue: Queue;
  fakes: {
    openai: FakeOpenAiServer;
    anthropic: FakeAnthropicServer;
    gemini: FakeGeminiServer;
    mistral: FakeMistralServer;
  };
  /** Adds the task and waits for its result. */
  run(call: ModelCallJob, options?: JobsOptions, timeoutMs?: number): Promise<ModelCallResult>;
  /** Resets every fake's scripted replies and recorded requests. */
  resetFakes(): void;
  stop(): Promise<void>;
}

/**
 * A provider-worker (the real AppModule) on the real Redis, with the four vendor SDKs pointed at the wire-level
 * fakes. Its configuration is written into `processEnv` (the test file's process.env) before the module loads;
 * the catalog is the repository's without fallbacks unless `env` names another. `env` adds to (or overrides) its configuration; `providers` is given the fakes' URLs to build a providers
 * file from. Each test file gets its own queue prefix, so breakers, limits and the cache start empty.
 */
export async function startWorker(
  processEnv: NodeJS.ProcessEnv,
  env: Record<string, string> = {},
  providersFile?: (fakes: WorkerHarness['fakes']) => unknown,
): Promise<WorkerHarness> {
  shareUndiciDispatcherWithJestRealm();
  const redis = await useTestRedis();
  const fakes = {
    openai: await new FakeOpenAiServer().listen(0),
    anthropic: await new FakeAnthropicServer().listen(0),
    gemini: await new FakeGeminiServer().listen(0),
    mistral: await new FakeMistralServer().listen(0),
  };
  Object.assign(processEnv, {
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    MOCK_LATENCY_MS: '0',
    LOG_LEVEL: 'silent',
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: `${fakes.openai.url}/v1`,
    ANTHROPIC_API_KEY: 'sk-ant-test',
    ANTHROPIC_BASE_URL: fakes.anthropic.url,
    GOOGLE_API_KEY: 'google-test',
    GOOGLE_BASE_URL: fakes.gemini.url,
    MISTRAL_API_KEY: 'mistral-test',
    MISTRAL_BASE_URL: fakes.mistral.url,
    ULTRA_MODELS_FILE: catalogWithoutFallbacks(),
    ...(providersFile && { ULTRA_PROVIDERS_FILE: jsonFile('providers.json', providersFile(fakes)) }),
    ...env,
  });
  const { AppModule } = (await import('../../app.module.js')) as { AppModule: Type };
  const { NestFactory } = await import('@nestjs/core');
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  await app.init();
  const connection = redisOptionsFromUrl(redis.url);
  const queue = new Queue(QueueName.ModelTasks, { connection, prefix: redis.prefix });
  const events = new QueueEvents(QueueName.ModelTasks, { connection, prefix: redis.prefix });
  await events.waitUntilReady();
  const client = new Redis(redis.url);
  return {
    redis,
    client,
    app,
    queue,
    fakes,
    run: async (call, options, timeoutMs = 15_000) =>
      (await (await queue.add('model.call', call, options)).waitUntilFinished(events, timeoutMs)) as ModelCallResult,
    resetFakes: () => Object.values(fakes).forEach((fake) => fake.reset()),
    stop: async () => {
      await events.close();
      await queue.close();
      await app.close();
      client.disconnect();
      await Promise.all(Object.values(fakes).map((fake) => fake.close()));
      await redis.stop();
    },
  };
}
