import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import {
  analysisEventsStream,
  type ModelCallJob,
  type ModelCallResult,
  type PushEvent,
  QueueName,
  SCHEMA_VERSION,
} from '@ultra/contracts';
import { redisOptionsFromUrl } from '@ultra/platform';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { eventually } from '../../../../test/support/eventually';
import { type TestRedis, useTestRedis } from '../../../../test/support/redis';

function call(model: string, overrides: Partial<ModelCallJob> = {}): ModelCallJob {
  return {
    schemaVersion: SCHEMA_VERSION,
    analysisId: randomUUID(),
    requestId: 'req-worker-test',
    stage: 'initial',
    stageIndex: 0,
    model,
    sample: 0,
    messages: [{ role: 'user', content: '## Question\nWhat is a queue?' }],
    options: {},
    ...overrides,
  };
}

describe('model-tasks processor on real Redis', () => {
  let redis: TestRedis;
  let app: INestApplicationContext;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    redis = await useTestRedis();
    Object.assign(process.env, {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      MOCK_LATENCY_MS: '5',
      MOCK_FAIL_MODELS: 'mock:beta',
      LOG_LEVEL: 'silent',
    });
    const { AppModule } = await import('../app.module.js');
    const { NestFactory } = await import('@nestjs/core');
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    await app.init();
    const connection = redisOptionsFromUrl(redis.url);
    queue = new Queue(QueueName.ModelTasks, { connection, prefix: redis.prefix });
    events = new QueueEvents(QueueName.ModelTasks, { connection, prefix: redis.prefix });
    await events.waitUntilReady();
  });

  /** The push events of one analysis, in stream order. */
  async function readDeltas(analysisId: string): Promise<PushEvent[]> {
    const reader = new Redis(redis.url);
    try {
      const entries = await reader.xrange(analysisEventsStream(redis.prefix, analysisId), '-', '+');
      return entries.map(([, f]) => JSON.parse(f[1]) as PushEvent);
    } finally {
      reader.disconnect();
    }
  }

  afterAll(async () => {
    await events?.close();
    await queue?.close();
    await app?.close();
    await redis?.stop();
  });

  it('answers a model call with text, usage and latency', async () => {
    const job = await queue.add('model.call', call('mock:alpha'));
    const result = (await job.waitUntilFinished(events, 10_000)) as ModelCallResult;
    expect(result).toMatchObject({
      model: 'mock:alpha',
      sample: 0,
      status: 'completed',
      error: null,
      finishReason: 'stop',
    });
    expect(result.text).toContain('What is a queue?');
    // Text output has nothing to parse.
    expect(result).not.toHaveProperty('data');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.latencyMs).toBeGreaterThanOrEqual(5);
  });

  it('retries a retryable failure, then returns it as a failed output naming model and category', async () => {
    const job = await queue.add('model.call', call('mock:beta'), {
      attempts: 2,
      backoff: { type: 'fixed', delay: 10 },
    });
    const result = (await job.waitUntilFinished(events, 10_000)) as ModelCallResult;
    expect(result).toMatchObject({
      model: 'mock:beta',
      sample: 0,
      status: 'failed',
      text: null,
      error: { category: 'provider_unavailable', message: expect.stringContaining('mock:beta') },
    });
    expect((await queue.getJob(job.id!))?.attemptsMade).toBe(2);
  });

  it('mirrors each attempt on the analysis’ delta stream: the text, then how the attempt ended', async () => {
    const ok = call('mock:alpha');
    const answered = (await (await queue.add('model.call', ok)).waitUntilFinished(events, 10_000)) as ModelCallResult;
    const failing = call('mock:beta');
    await (
      await queue.add('model.call', failing, { attempts: 2, backoff: { type: 'fixed', delay: 10 } })
    ).waitUntilFinished(events, 10_000);
    const ends = (e: PushEvent) => e.type !== 'output.delta';
    const okEntries = await eventually('the end of the answer', async () => {
      const entries = await readDeltas(ok.analysisId);
      return entries.some(ends) ? entries : undefined;
    });
    expect(okEntries.map((e) => (e.type === 'output.delta' ? e.text : '')).join('')).toBe(answered.text);
    expect(okEntries.at(-1)).toEqual({
      type: 'output.completed',
      analysisId: ok.analysisId,
      stage: 'initial',
      stageIndex: 0,
      model: 'mock:alpha',
      sample: 0,
      attempt: 1,
      usage: answered.usage,
      finishReason: 'stop',
      at: expect.any(String),
    });
    const failedEntries = await eventually('both attempts', async () => {
      const entries = (await readDeltas(failing.analysisId)).filter(ends);
      return entries.length >= 2 ? entries : undefined;
    });
    expect(failedEntries).toEqual([
      expect.objectContaining({ type: 'output.retrying', attempt: 1, category: 'provider_unavailable' }),
      expect.objectContaining({
        type: 'output.failed',
        attempt: 2,
        category: 'provider_unavailable',
        message: expect.stringContaining('mock:beta'),
      }),
    ]);
  });

  it('names a sample above 0 and the stage index on its result and its delta entries', async () => {
    const sampled = call('mock:gamma', { stage: 'samples', stageIndex: 3, sample: 2 });
    const result = (await (
      await queue.add('model.call', sampled)
    ).waitUntilFinished(events, 10_000)) as ModelCallResult;
    expect(result).toMatchObject({ model: 'mock:gamma', sample: 2, status: 'completed' });
    const entries = await eventually('the end of the sample', async () => {
      const all = await readDeltas(sampled.analysisId);
      return all.some((e) => e.type === 'output.completed') ? all : undefined;
    });
    expect(entries).toContainEqual(
      expect.objectContaining({ type: 'output.delta', stage: 'samples', stageIndex: 3, sample: 2 }),
    );
    expect(entries.every((e) => 'sample' in e && e.stage === 'samples' && e.stageIndex === 3 && e.sample === 2)).toBe(
      true,
    );
  });

  it('parses json output into data, and says why when the answer does not fit the shape', async () => {
    const prompt = 'Which answer is best?\n\n### Response A\nfirst\n\n### Response B\nsecond';
    const voted = (await (
      await queue.add(
        'model.call',
        call('mock:alpha', {
          messages: [{ role: 'user', content: prompt }],
          options: { output: { format: 'json', schema: 'vote' } },
        }),
      )
    ).waitUntilFinished(events, 10_000)) as ModelCallResult;
    expect(voted).toMatchObject({ status: 'completed', dataError: null });
    expect(voted.data).toEqual({ vote: expect.stringMatching(/^Response [AB]$/), reason: expect.any(String) });
    // Nothing to rank in this prompt: the call completes, its text is kept, and the data says what was wrong.
    const ranked = (await (
      await queue.add('model.call', call('mock:alpha', { options: { output: { format: 'json', schema: 'ranking' } } }))
    ).waitUntilFinished(events, 10_000)) as ModelCallResult;
    expect(ranked).toMatchObject({ status: 'completed', data: null, text: expect.stringContaining('ranking') });
    expect(ranked.dataError).toMatch(/does not match the ranking shape/);
  });

  it('fails a call whose stage time limit has passed as a timeout, without retrying it', async () => {
    const late = call('mock:alpha', { options: { stageDeadlineAt: Date.now() - 1 } });
    const job = await queue.add('model.call', late, { attempts: 3, backoff: { type: 'fixed', delay: 10 } });
    const result = (await job.waitUntilFinished(events, 10_000)) as ModelCallResult;
    expect(result).toMatchObject({
      status: 'failed',
      error: { category: 'timeout', message: "mock:alpha: the stage's time limit passed" },
    });
    expect((await queue.getJob(job.id!))?.attemptsMade).toBe(1);
  });

  it('does not retry a call to a provider the worker does not have', async () => {
    const job = await queue.add('model.call', call('acme:rocket'), { attempts: 3 });
    const result = (await job.waitUntilFinished(events, 10_000)) as ModelCallResult;
    expect(result.error).toEqual({ category: 'invalid_request', message: expect.stringContaining('acme:rocket') });
  });

  it('fails a job with invalid data without retrying it', async () => {
    const job = await queue.add('model.call', { schemaVersion: SCHEMA_VERSION, model: 'mock:alpha' }, { attempts: 3 });
    await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(/invalid job "model.call"/);
    const failed = await queue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1);
  });
});
