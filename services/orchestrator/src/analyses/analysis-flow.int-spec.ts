import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import {
  type AnalysisFinishJob,
  type AnalysisStartJob,
  type ModelCallJob,
  type ModelCallResult,
  QueueName,
  SCHEMA_VERSION,
  type StageRecordJob,
} from '@ultra/contracts';
import { redisOptionsFromUrl } from '@ultra/platform';
import { stateOf } from '../testing/pattern-state';
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { eventually } from '../../../../test/support/eventually';
import { type TestRedis, useTestRedis } from '../../../../test/support/redis';

const models = ['mock:alpha', 'mock:beta', 'mock:gamma'];

/** How the fake provider-worker treats `analysisId/stage/model`; anything not listed answers normally. */
const script = new Map<string, 'fail' | 'crash'>();

/** initial → meta → hyper → ultra, with a peer section in meta, like the seed patterns. */
const fourStage = stateOf({
  id: 'four',
  name: 'Four',
  description: 'Four stages.',
  params: { rounds: { type: 'integer', default: 1, min: 0, max: 3 } },
  stages: [
    { id: 'initial', label: 'Initial', kind: 'generate', participants: 'all', prompt: { user: '{{question}}' } },
    {
      id: 'meta',
      label: 'Meta',
      kind: 'generate',
      participants: 'all',
      prompt: { user: 'Yours:\n{{own.initial}}\n\nOthers:\n{{others.initial}}' },
      repeat: { times: '$rounds' },
    },
    { id: 'hyper', label: 'Hyper', kind: 'generate', participants: 'all', prompt: { user: '{{others.meta}}' } },
    { id: 'ultra', label: 'Ultra', kind: 'generate', participants: 'ultra', prompt: { user: '{{all.hyper}}' } },
  ],
}).spec;

function answer(job: Job<ModelCallJob>): Promise<ModelCallResult> {
  const { analysisId, stage, model, sample } = job.data;
  const outcome = script.get(`${analysisId}/${stage}/${model}`);
  if (outcome === 'crash') return Promise.reject(new UnrecoverableError(`${model} crashed in ${stage}`));
  const failed = outcome === 'fail';
  return Promise.resolve({
    model,
    sample,
    status: failed ? 'failed' : 'completed',
    text: failed ? null : `${model} on ${stage}`,
    error: failed ? { category: 'rate_limit', message: `${model}: slow down` } : null,
    latencyMs: 3,
    usage: { inputTokens: failed ? 0 : 10, outputTokens: failed ? 0 : 4 },
    finishReason: failed ? null : 'stop',
  });
}

describe('orchestrator on real Redis, with stages as real BullMQ flows', () => {
  let redis: TestRedis;
  let app: INestApplicationContext;
  let analyses: Queue;
  let results: Queue;
  let modelTasks: Queue;
  let fakeWorker: Worker<ModelCallJob, ModelCallResult>;

  const finishOf = async (id: string) =>
    (await eventually(`finish of ${id}`, () => results.getJob(`${id}_finish`))).data as AnalysisFinishJob;
  const recordOf = async (id: string, stageIndex: number) =>
    (await eventually(`record ${stageIndex} of ${id}`, () => results.getJob(`${id}_${stageIndex}_record`)))
      .data as StageRecordJob;
  const callOf = async (id: string, stageIndex: number, i: number) =>
    (await eventually(`model call ${stageIndex}/${i}`, () => modelTasks.getJob(`${id}_${stageIndex}_${i}`)))
      .data as ModelCallJob;

  async function start(spec: Partial<AnalysisStartJob['spec']> = {}, behaviour: Record<string, 'fail' | 'crash'> = {}) {
    const id = randomUUID();
    for (const [key, value] of Object.entries(behaviour)) script.set(`${id}/${key}`, value);
    const data: AnalysisStartJob = {
      schemaVersion: SCHEMA_VERSION,
      analysisId: id,
      requestId: 'req-1',
      spec: { ...fourStage, prompt: 'How do tides work?', models, ultraModel: 'mock:alpha', ...spec },
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
    const bull = { connection: redisOptionsFromUrl(redis.url), prefix: redis.prefix };
    [analyses, results, modelTasks] = [QueueName.Analyses, QueueName.Results, QueueName.ModelTasks].map(
      (name) => new Queue(name, bull),
    ) as [Queue, Queue, Queue];
    fakeWorker = new Worker(QueueName.ModelTasks, answer, { ...bull, concurrency: 16 });
  });

  afterAll(async () => {
    await fakeWorker?.close();
    await Promise.all([analyses, results, modelTasks].map((q) => q?.close()));
    await app?.close();
    await redis?.stop();
  });

  it('runs the four stages as flows and hands each stage and the end to results', async () => {
    const id = await start();
    const finish = await finishOf(id);
    expect(finish).toMatchObject({ status: 'completed', result: { stage: 'ultra', model: 'mock:alpha' }, error: null });
    expect(finish.expectedOutputs).toBe(10);
    expect(await results.getJob(`${id}_started`)).toMatchObject({ name: 'analysis.started' });

    const records = await Promise.all([0, 1, 2, 3].map((i) => recordOf(id, i)));
    expect(records.map((r) => [r.stage, r.outputs.map((o) => o.model)])).toEqual([
      ['initial', models],
      ['meta', models],
      ['hyper', models],
      ['ultra', ['mock:alpha']],
    ]);
    expect(records[0].outputs[0]).toMatchObject({ status: 'completed', usage: { inputTokens: 10, outputTokens: 4 } });

    const parent = await analyses.getJob(`${id}_0`);
    expect(parent).toMatchObject({
      name: 'stage.collect',
      data: { stage: 'initial', stageIndex: 0, round: 1, calls: models.map((model) => ({ model, sample: 0 })) },
    });
    const first = await callOf(id, 0, 0);
    expect(first.messages.at(-1)!.content).toBe('How do tides work?');
    const review = await callOf(id, 1, 1);
    expect(review.messages[0].content).toContain('Yours:\nmock:beta on initial');
    expect(review.messages[0].content).toMatch(/### Response A\nmock:(alpha|gamma) on initial/);
    expect(review.messages[0].content).toMatch(/### Response B\nmock:(alpha|gamma) on initial/);
    expect((await modelTasks.getJob(`${id}_0_0`))!.opts).toMatchObject({
      attempts: 3,
      ignoreDependencyOnFailure: true,
    });
  });

  it('drops a model that failed and builds the next stage from the others', async () => {
    const id = await start({}, { 'initial/mock:beta': 'fail' });
    await finishOf(id);
    const initial = await recordOf(id, 0);
    expect(initial.outputs[1]).toMatchObject({
      model: 'mock:beta',
      status: 'failed',
      error: { category: 'rate_limit' },
    });
    expect((await recordOf(id, 1)).outputs.map((o) => o.model)).toEqual(['mock:alpha', 'mock:gamma']);
    const alphaReview = await callOf(id, 1, 0);
    expect(alphaReview.messages[0].content).toMatch(/### Response [A-C]\nmock:gamma on initial/);
    expect(alphaReview.messages[0].content).not.toContain('Response B');
    expect((await finishOf(id)).expectedOutputs).toBe(3 + 2 + 2 + 1);
  });

  it('records a task that died for good as a failed output naming the cause', async () => {
    const id = await start({}, { 'initial/mock:gamma': 'crash' });
    const initial = await recordOf(id, 0);
    expect(initial.outputs[2]).toMatchObject({
      model: 'mock:gamma',
      status: 'failed',
      error: { category: 'worker_lost', message: expect.stringContaining('mock:gamma crashed in initial') },
    });
    expect((await finishOf(id)).status).toBe('completed');
  });

  it('falls back to the next survivor when the ultra model fails, and fails when none is left', async () => {
    const pair = ['mock:alpha', 'mock:beta'];
    const rescued = await start({ models: pair }, { 'ultra/mock:alpha': 'fail' });
    expect(await finishOf(rescued)).toMatchObject({
      status: 'completed',
      result: { model: 'mock:beta' },
      expectedOutputs: 8,
    });
    expect((await recordOf(rescued, 4)).outputs.map((o) => o.model)).toEqual(['mock:beta']);

    const lost = await start({ models: pair }, { 'ultra/mock:alpha': 'fail', 'ultra/mock:beta': 'fail' });
    expect(await finishOf(lost)).toMatchObject({
      status: 'failed',
      result: null,
      error: { code: 'synthesis_failed', message: expect.stringContaining('mock:beta (rate_limit)') },
    });
  });

  it('fails the analysis, naming models and causes, when every model fails in a stage', async () => {
    const id = await start(
      {},
      { 'initial/mock:alpha': 'fail', 'initial/mock:beta': 'fail', 'initial/mock:gamma': 'crash' },
    );
    const finish = await finishOf(id);
    expect(finish).toMatchObject({ status: 'failed', result: null, expectedOutputs: 3 });
    expect(finish.error).toEqual({
      code: 'all_models_failed',
      message: expect.stringContaining('mock:alpha (rate_limit), mock:beta (rate_limit), mock:gamma (worker_lost)'),
    });
  });

  it('runs a repeated stage round after round and hands every round to results', async () => {
    const id = await start({ params: { rounds: 2 } });
    const finish = await finishOf(id);
    expect(finish).toMatchObject({ status: 'completed', expectedOutputs: 13, expectedRuns: 5 });
    const records = await Promise.all([1, 2].map((i) => recordOf(id, i)));
    expect(records.map((r) => [r.stage, r.round, r.label, r.outputs.length])).toEqual([
      ['meta', 1, 'Meta', 3],
      ['meta', 2, 'Meta', 3],
    ]);
  });

  it('records a stage skipped for zero rounds, and goes on from the stage before it', async () => {
    const id = await start({ params: { rounds: 0 } });
    expect(await finishOf(id)).toMatchObject({ status: 'completed', expectedRuns: 4, expectedOutputs: 7 });
    expect(await recordOf(id, 1)).toMatchObject({
      stage: 'meta',
      kind: 'skipped',
      outputs: [],
      note: 'repeat.times is 0',
    });
  });

  it('rejects a job with invalid data without retrying it', async () => {
    const job = await analyses.add(
      'stage.collect',
      { schemaVersion: SCHEMA_VERSION, analysisId: 'x' },
      { attempts: 3 },
    );
    await eventually('job to fail', async () => ((await job.getState()) === 'failed' ? true : undefined));
    expect((await analyses.getJob(job.id!))?.attemptsMade).toBe(1);
  });
});
