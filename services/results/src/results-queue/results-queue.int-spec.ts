import { randomUUID } from 'node:crypto';
import {
  type AnalysisView,
  type JobOf,
  type ModelCallJob,
  type ModelCallResult,
  type ModelId,
  QueueName,
  SCHEMA_VERSION,
  type StageName,
} from '@ultra/contracts';
import { redisOptionsFromUrl, runMigrations } from '@ultra/platform';
import { FlowProducer, Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { eventually } from '../../../../test/support/eventually';
import { jsonRequest } from '../../../../test/support/http';
import { startTestHttpService, type TestHttpService } from '../../../../test/support/http-service';
import { type TestRedis, useTestRedis } from '../../../../test/support/redis';
import { resultsDatabase } from '../database/results-database.options';
import { advanceJobId } from './stage-collect.service';

let db: TestDatabase;
let redis: TestRedis;
let service: TestHttpService;
let flows: FlowProducer;
let results: Queue;
let analyses: Queue<JobOf<'stage.advance'>>;
let modelWorker: Worker<ModelCallJob, ModelCallResult>;

const userId = randomUUID();
const analysisId = randomUUID();
const requestId = `req-${randomUUID()}`;
const models: ModelId[] = ['mock:alpha', 'mock:beta', 'mock:gamma'];
const envelope = { schemaVersion: SCHEMA_VERSION, analysisId, requestId } satisfies JobOf<'analysis.started'>;

/** What the fake provider-worker does per stage/model; anything else answers normally. */
const behaviour: Record<string, 'fail' | 'throw'> = {
  'initial/mock:beta': 'fail',
  'initial/mock:gamma': 'throw',
  'meta/mock:beta': 'throw',
  'meta/mock:gamma': 'throw',
};

function answer(job: Job<ModelCallJob>): Promise<ModelCallResult> {
  const { stage, model } = job.data;
  const outcome = behaviour[`${stage}/${model}`];
  if (outcome === 'throw') return Promise.reject(new UnrecoverableError(`${model} crashed in ${stage}`));
  if (outcome === 'fail') {
    return Promise.resolve({
      model,
      status: 'failed',
      text: null,
      error: { category: 'rate_limit', message: 'slow down' },
      latencyMs: 7,
      usage: { inputTokens: 0, outputTokens: 0 },
      finishReason: null,
    });
  }
  return Promise.resolve({
    model,
    status: 'completed',
    text: `${model} on ${stage}`,
    error: null,
    latencyMs: 20,
    usage: { inputTokens: 10, outputTokens: 4 },
    finishReason: 'stop',
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await useTestRedis();
  await runMigrations({ DATABASE_URL: db.url, DATABASE_POOL_SIZE: 1 }, resultsDatabase);
  service = await startTestHttpService(
    () => jest.requireActual<typeof import('../app.module')>('../app.module').AppModule,
    { DATABASE_URL: db.url, REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix, LOG_LEVEL: 'error' },
  );
  const bull = { connection: redisOptionsFromUrl(redis.url), prefix: redis.prefix };
  flows = new FlowProducer(bull);
  results = new Queue(QueueName.Results, bull);
  analyses = new Queue(QueueName.Analyses, bull);
  modelWorker = new Worker<ModelCallJob, ModelCallResult>(QueueName.ModelTasks, answer, {
    ...bull,
    concurrency: 8,
  });

  const created = await jsonRequest(service.url, 'POST', '/internal/analyses', {
    body: {
      id: analysisId,
      userId,
      requestId,
      prompt: 'Is P = NP?',
      models,
      ultraModel: 'mock:alpha',
      pattern: 'confidence',
    },
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await modelWorker?.close();
  await flows?.close();
  await results?.close();
  await analyses?.close();
  await service?.close();
  await db?.drop();
  await redis?.stop();
});

async function view(): Promise<AnalysisView> {
  const response = await jsonRequest<AnalysisView>(
    service.url,
    'GET',
    `/internal/analyses/${analysisId}?userId=${userId}`,
  );
  expect(response.status).toBe(200);
  return response.body;
}

async function outputRows(stage: StageName): Promise<{ model: string; status: string }[]> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ model: string; status: string }>(
      'SELECT model, status FROM stage_outputs WHERE analysis_id = $1 AND stage = $2 ORDER BY model',
      [analysisId, stage],
    );
    return rows;
  } finally {
    await client.end();
  }
}

/** The orchestrator's part: one stage as a flow, a stage.collect parent over one model.call per model. */
async function runStage(stage: StageName, stageIndex: number, stageModels: ModelId[]): Promise<Job> {
  const data: JobOf<'stage.collect'> = { ...envelope, stage, stageIndex, models: stageModels };
  const flow = await flows.add({
    name: 'stage.collect',
    queueName: QueueName.Results,
    data,
    opts: { jobId: `${analysisId}_${stage}_${stageIndex}_collect` },
    children: stageModels.map((model) => ({
      name: 'model.call',
      queueName: QueueName.ModelTasks,
      data: { ...envelope, stage, model, messages: [{ role: 'user', content: 'Is P = NP?' }], options: {} },
      opts: { ignoreDependencyOnFailure: true, attempts: 1 },
    })),
  });
  return flow.job;
}

async function advanceJob(stage: StageName, stageIndex: number): Promise<Job> {
  return eventually(`stage.advance for ${stage}`, () =>
    Job.fromId(analyses, advanceJobId({ analysisId, stage, stageIndex })),
  );
}

/** The job once it is in `state`, finished after `after` (ms) if given. State first: a job read earlier may be stale. */
async function finished(queue: Queue, id: string | undefined, state: 'completed' | 'failed', after = 0): Promise<Job> {
  return eventually(`job ${id} to be ${state}`, async () => {
    if (!id || (await queue.getJobState(id)) !== state) return undefined;
    const job = await Job.fromId(queue, id);
    return job && (job.finishedOn ?? 0) > after ? job : undefined;
  });
}

describe('results queue', () => {
  it('marks the analysis running on analysis.started', async () => {
    const job = await results.add('analysis.started', envelope);
    await finished(results, job.id, 'completed');
    const current = await view();
    expect(current.status).toBe('running');
    expect(current.stages.map((s) => s.status)).toEqual(['running', 'pending', 'pending', 'pending']);
  });

  it('stores a stage’s outputs, lost tasks included, then adds stage.advance', async () => {
    await runStage('initial', 0, models);
    const advance = await advanceJob('initial', 0);
    expect(advance.name).toBe('stage.advance');
    expect(advance.data).toEqual({
      ...envelope,
      stage: 'initial',
      stageIndex: 0,
      outputs: [
        { model: 'mock:alpha', status: 'completed', text: 'mock:alpha on initial' },
        { model: 'mock:beta', status: 'failed', text: null },
        { model: 'mock:gamma', status: 'failed', text: null },
      ],
    });

    const [initial, meta] = (await view()).stages;
    expect(initial?.status).toBe('completed');
    expect(meta?.status).toBe('running');
    expect(initial?.outputs).toEqual([
      {
        model: 'mock:alpha',
        status: 'completed',
        text: 'mock:alpha on initial',
        latencyMs: 20,
        usage: { inputTokens: 10, outputTokens: 4 },
      },
      {
        model: 'mock:beta',
        status: 'failed',
        text: null,
        error: { category: 'rate_limit', message: 'slow down' },
        latencyMs: 7,
        usage: { inputTokens: 0, outputTokens: 0 },
      },
      {
        model: 'mock:gamma',
        status: 'failed',
        text: null,
        error: { category: 'worker_lost', message: 'mock:gamma crashed in initial' },
        latencyMs: 0,
        usage: { inputTokens: 0, outputTokens: 0 },
      },
    ]);
  });

  it('does not duplicate rows or the advance when a stage.collect runs again', async () => {
    const parent = await finished(results, `${analysisId}_initial_0_collect`, 'completed');
    await parent.retry('completed');
    await finished(results, parent.id, 'completed', parent.finishedOn);
    expect(await outputRows('initial')).toHaveLength(3);
    const advances = (await analyses.getJobs()).filter((j) => j.name === 'stage.advance' && j.data.stage === 'initial');
    expect(advances).toHaveLength(1);
  });

  it('pairs several lost tasks with their own failure reasons', async () => {
    await runStage('meta', 1, models);
    await advanceJob('meta', 1);
    const meta = (await view()).stages[1];
    expect(meta?.status).toBe('completed');
    expect(meta?.outputs.map((o) => [o.model, o.status, o.error?.message])).toEqual([
      ['mock:alpha', 'completed', undefined],
      ['mock:beta', 'failed', 'mock:beta crashed in meta'],
      ['mock:gamma', 'failed', 'mock:gamma crashed in meta'],
    ]);
  });

  it('shows the analysis completed with its result and total usage after analysis.finish', async () => {
    await runStage('hyper', 2, ['mock:alpha']);
    await advanceJob('hyper', 2);
    await runStage('ultra', 3, ['mock:alpha']);
    await advanceJob('ultra', 3);
    const finish = await results.add('analysis.finish', {
      ...envelope,
      status: 'completed',
      result: { stage: 'ultra', model: 'mock:alpha' },
      error: null,
    });
    await finished(results, finish.id, 'completed');

    const done = await view();
    expect(done.status).toBe('completed');
    expect(done.completedAt).not.toBeNull();
    expect(done.result).toEqual({ model: 'mock:alpha', text: 'mock:alpha on ultra' });
    expect(done.stages.map((s) => s.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    // alpha answered in all four stages; every failure used no tokens.
    expect(done.usage).toEqual({ inputTokens: 40, outputTokens: 16 });
    expect(done).not.toHaveProperty('error');

    // The first end wins: a late or re-delivered finish changes nothing.
    const late = await results.add('analysis.finish', {
      ...envelope,
      status: 'failed',
      result: null,
      error: { code: 'late', message: 'too late' },
    });
    await finished(results, late.id, 'completed');
    expect(await view()).toEqual(done);
  });

  it('fails a job with invalid data for good, without retries', async () => {
    const job = await results.add('analysis.finish', { ...envelope, status: 'maybe' }, { attempts: 3 });
    const failed = await finished(results, job.id, 'failed');
    expect(failed.attemptsStarted).toBe(1);
    expect(failed.failedReason).toContain('invalid job "analysis.finish"');
  });
});
