import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import {
  type AnalysisStartJob,
  type ModelCallJob,
  QueueName,
  SCHEMA_VERSION,
  type StageAdvanceJob,
  type StageCollectJob,
} from '@ultra/contracts';
import { redisOptionsFromUrl } from '@ultra/platform';
import { type Job, Queue } from 'bullmq';
import { type TestRedis, useTestRedis } from '../../../../test/support/redis';

const models = ['mock:alpha', 'mock:beta', 'mock:gamma'];

async function eventually<T>(read: () => Promise<T | undefined | null>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('orchestrator on real Redis', () => {
  let redis: TestRedis;
  let app: INestApplicationContext;
  let analyses: Queue;
  let results: Queue;
  let modelTasks: Queue;

  const collectJob = (id: string, index: number) =>
    eventually(() => results.getJob(`${id}_${index}`)) as Promise<Job<StageCollectJob>>;
  const childrenOf = async (id: string, index: number, count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, i) => eventually(() => modelTasks.getJob(`${id}_${index}_${i}`))),
    ) as Promise<Job<ModelCallJob>[]>;
  const advance = (
    id: string,
    stage: StageAdvanceJob['stage'],
    stageIndex: number,
    outputs: StageAdvanceJob['outputs'],
  ) =>
    analyses.add('stage.advance', {
      schemaVersion: SCHEMA_VERSION,
      analysisId: id,
      requestId: 'req-1',
      stage,
      stageIndex,
      outputs,
    });
  const ok = (model: string, text = `${model} says`) => ({ model, status: 'completed' as const, text });
  const failed = (model: string) => ({ model, status: 'failed' as const, text: null });

  async function start(spec: Partial<AnalysisStartJob['spec']> = {}): Promise<string> {
    const id = randomUUID();
    const data: AnalysisStartJob = {
      schemaVersion: SCHEMA_VERSION,
      analysisId: id,
      requestId: 'req-1',
      spec: { prompt: 'How do tides work?', models, ultraModel: 'mock:alpha', pattern: 'confidence', ...spec },
    };
    await analyses.add('analysis.start', data, { jobId: id });
    return id;
  }

  beforeAll(async () => {
    redis = await useTestRedis();
    Object.assign(process.env, { REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix, LOG_LEVEL: 'silent' });
    const { AppModule } = await import('../app.module.js');
    const { NestFactory } = await import('@nestjs/core');
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    await app.init();
    const connection = redisOptionsFromUrl(redis.url);
    [analyses, results, modelTasks] = [QueueName.Analyses, QueueName.Results, QueueName.ModelTasks].map(
      (name) => new Queue(name, { connection, prefix: redis.prefix }),
    ) as [Queue, Queue, Queue];
  });

  afterAll(async () => {
    await Promise.all([analyses, results, modelTasks].map((q) => q?.close()));
    await app?.close();
    await redis?.stop();
  });

  it('starts an analysis as a flow: a stage.collect parent waiting for one model.call per model', async () => {
    const id = await start();
    expect(await eventually(() => results.getJob(`${id}_started`))).toMatchObject({ name: 'analysis.started' });
    const parent = await collectJob(id, 0);
    expect(parent.name).toBe('stage.collect');
    expect(parent.data).toMatchObject({ analysisId: id, stage: 'initial', stageIndex: 0, models });
    expect(await parent.getState()).toBe('waiting-children');
    const children = await childrenOf(id, 0, 3);
    expect(children.map((c) => [c.name, c.data.model, c.data.stage])).toEqual(
      models.map((m) => ['model.call', m, 'initial']),
    );
    expect(children[0].data.messages.at(-1)!.content).toBe('## Question\nHow do tides work?');
    expect(children[0].opts).toMatchObject({ attempts: 3, ignoreDependencyOnFailure: true });
  });

  it('drops a failed model and builds the next stage from the earlier answers', async () => {
    const id = await start();
    await collectJob(id, 0);
    await advance(id, 'initial', 0, [ok('mock:alpha'), failed('mock:beta'), ok('mock:gamma')]);
    const meta = await collectJob(id, 1);
    expect(meta.data).toMatchObject({ stage: 'meta', stageIndex: 1, models: ['mock:alpha', 'mock:gamma'] });
    const [alpha] = await childrenOf(id, 1, 2);
    expect(alpha.data.messages[0].content).toContain('## Your earlier answer\nmock:alpha says');
    expect(alpha.data.messages[0].content).toContain('### Response A\nmock:gamma says');
  });

  it('gives the ultra stage to the ultra model and finishes with its output', async () => {
    const id = await start({ ultraModel: 'mock:gamma' });
    await advance(
      id,
      'initial',
      0,
      models.map((m) => ok(m)),
    );
    await advance(
      id,
      'meta',
      1,
      models.map((m) => ok(m)),
    );
    await advance(
      id,
      'hyper',
      2,
      models.map((m) => ok(m, `${m} revised`)),
    );
    const ultra = await collectJob(id, 3);
    expect(ultra.data).toMatchObject({ stage: 'ultra', models: ['mock:gamma'] });
    const [child] = await childrenOf(id, 3, 1);
    expect(child.data.messages[0].content).toContain('### Response C\nmock:gamma revised');
    await advance(id, 'ultra', 3, [ok('mock:gamma', 'final')]);
    const finish = await eventually(() => results.getJob(`${id}_finish`));
    expect(finish.data).toMatchObject({
      status: 'completed',
      result: { stage: 'ultra', model: 'mock:gamma' },
      error: null,
    });
  });

  it('falls back to the next surviving model when the ultra model fails, and fails when none is left', async () => {
    const id = await start({ models: ['mock:alpha', 'mock:beta'] });
    await advance(id, 'initial', 0, [ok('mock:alpha'), ok('mock:beta')]);
    await advance(id, 'meta', 1, [ok('mock:alpha'), ok('mock:beta')]);
    await advance(id, 'hyper', 2, [ok('mock:alpha'), ok('mock:beta')]);
    await advance(id, 'ultra', 3, [failed('mock:alpha')]);
    expect((await collectJob(id, 4)).data).toMatchObject({ stage: 'ultra', stageIndex: 4, models: ['mock:beta'] });
    await advance(id, 'ultra', 4, [failed('mock:beta')]);
    const finish = await eventually(() => results.getJob(`${id}_finish`));
    expect(finish.data).toMatchObject({ status: 'failed', result: null, error: { code: 'synthesis_failed' } });
  });

  it('fails the analysis when every model fails in a stage', async () => {
    const id = await start();
    await advance(id, 'initial', 0, models.map(failed));
    const finish = await eventually(() => results.getJob(`${id}_finish`));
    expect(finish.data).toMatchObject({
      status: 'failed',
      error: { code: 'all_models_failed', message: expect.stringContaining('mock:beta') },
    });
  });

  it('rejects a job with invalid data without retrying it', async () => {
    const job = await analyses.add(
      'stage.advance',
      { schemaVersion: SCHEMA_VERSION, analysisId: 'not-a-uuid' },
      { attempts: 3 },
    );
    const state = await eventually(async () => ((await job.getState()) === 'failed' ? 'failed' : undefined));
    expect(state).toBe('failed');
    expect((await analyses.getJob(job.id!))?.attemptsMade).toBe(1);
  });
});
