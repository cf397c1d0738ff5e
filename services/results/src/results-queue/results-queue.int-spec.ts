import { randomUUID } from 'node:crypto';
import {
  type AnalysisEvent,
  analysisEventsChannel,
  type AnalysisView,
  type ErrorCategory,
  type JobNameOn,
  type JobOf,
  type ModelCallResult,
  type ModelId,
  QueueName,
  SCHEMA_VERSION,
  type StageName,
} from '@ultra/contracts';
import { redisOptionsFromUrl, runMigrations } from '@ultra/platform';
import { Job, type JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { eventually } from '../../../../test/support/eventually';
import { jsonRequest } from '../../../../test/support/http';
import { startTestHttpService, type TestHttpService } from '../../../../test/support/http-service';
import { type TestRedis, useTestRedis } from '../../../../test/support/redis';
import { resultsDatabase } from '../database/results-database.options';

type ResultsJobName = JobNameOn<typeof QueueName.Results>;
type Envelope = JobOf<'analysis.started'>;

let db: TestDatabase;
let redis: TestRedis;
let service: TestHttpService;
let results: Queue;

const userId = randomUUID();
const models: ModelId[] = ['mock:alpha', 'mock:beta', 'mock:gamma'];
/** What the orchestrator sets on results jobs; a finish waiting for its outputs relies on it. */
const retries: JobsOptions = { attempts: 12, backoff: { type: 'exponential', delay: 25 } };

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await useTestRedis();
  await runMigrations({ DATABASE_URL: db.url, DATABASE_POOL_SIZE: 1 }, resultsDatabase);
  service = await startTestHttpService(
    () => jest.requireActual<typeof import('../app.module')>('../app.module').AppModule,
    { DATABASE_URL: db.url, REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix, LOG_LEVEL: 'error' },
  );
  results = new Queue(QueueName.Results, { connection: redisOptionsFromUrl(redis.url), prefix: redis.prefix });
});

afterAll(async () => {
  await results?.close();
  await service?.close();
  await db?.drop();
  await redis?.stop();
});

/** A new queued analysis, as the gateway creates it; returns the envelope its jobs carry. */
async function createAnalysis(): Promise<Envelope> {
  const analysisId = randomUUID();
  const requestId = `req-${randomUUID()}`;
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
  return { schemaVersion: SCHEMA_VERSION, analysisId, requestId };
}

function add<N extends ResultsJobName>(name: N, data: JobOf<N>, opts: JobsOptions = {}): Promise<Job> {
  return results.add(name, data, { ...retries, ...opts });
}

function answered(model: ModelId, stage: StageName): ModelCallResult {
  return {
    model,
    status: 'completed',
    text: `${model} on ${stage}`,
    error: null,
    latencyMs: 20,
    usage: { inputTokens: 10, outputTokens: 4, cachedInputTokens: 2, costUsd: 0.0005 },
    finishReason: 'stop',
  };
}

function failedCall(model: ModelId, category: ErrorCategory, message: string): ModelCallResult {
  return {
    model,
    status: 'failed',
    text: null,
    error: { category, message },
    latencyMs: 7,
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    finishReason: null,
  };
}

function stageRecord(
  envelope: Envelope,
  stage: StageName,
  stageIndex: number,
  outputs: ModelCallResult[],
): JobOf<'stage.record'> {
  return { ...envelope, stage, stageIndex, outputs };
}

/** Adds a stage.record under the job id the orchestrator uses. */
function record(data: JobOf<'stage.record'>): Promise<Job> {
  return add('stage.record', data, { jobId: `${data.analysisId}_${data.stageIndex}_record` });
}

async function view(analysisId: string): Promise<AnalysisView> {
  const response = await jsonRequest<AnalysisView>(
    service.url,
    'GET',
    `/internal/analyses/${analysisId}?userId=${userId}`,
  );
  expect(response.status).toBe(200);
  return response.body;
}

async function storedOutputs(analysisId: string): Promise<number> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ stored: number }>(
      'SELECT count(*)::int AS stored FROM stage_outputs WHERE analysis_id = $1',
      [analysisId],
    );
    return rows[0]?.stored ?? 0;
  } finally {
    await client.end();
  }
}

/** The job once it is in `state`. State first: a job read before it settles may be stale. */
async function settled(job: Job, state: 'completed' | 'failed'): Promise<Job> {
  const id = job.id ?? '';
  return eventually(`job ${id} to be ${state}`, async () => {
    if ((await results.getJobState(id)) !== state) return undefined;
    return Job.fromId(results, id);
  });
}

describe('results queue', () => {
  describe('one analysis, stage by stage', () => {
    let envelope: Envelope;
    const initial = () =>
      stageRecord(envelope, 'initial', 0, [
        answered('mock:alpha', 'initial'),
        failedCall('mock:beta', 'rate_limit', 'slow down'),
        failedCall('mock:gamma', 'worker_lost', 'the model task ended without a result'),
      ]);

    beforeAll(async () => {
      envelope = await createAnalysis();
    });

    it('marks the analysis running on analysis.started', async () => {
      await settled(await add('analysis.started', envelope), 'completed');
      const current = await view(envelope.analysisId);
      expect(current.status).toBe('running');
      expect(current.stages.map((s) => s.status)).toEqual(['running', 'pending', 'pending', 'pending']);
    });

    it('stores every output of a stage.record, failed ones with their error, and shows them', async () => {
      await settled(await record(initial()), 'completed');

      const current = await view(envelope.analysisId);
      expect(current.stages.map((s) => s.status)).toEqual(['completed', 'running', 'pending', 'pending']);
      expect(current.stages[0]?.outputs).toEqual([
        {
          model: 'mock:alpha',
          status: 'completed',
          text: 'mock:alpha on initial',
          latencyMs: 20,
          usage: { inputTokens: 10, outputTokens: 4, cachedInputTokens: 2, costUsd: 0.0005 },
        },
        {
          model: 'mock:beta',
          status: 'failed',
          text: null,
          error: { category: 'rate_limit', message: 'slow down' },
          latencyMs: 7,
          usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
        },
        {
          model: 'mock:gamma',
          status: 'failed',
          text: null,
          error: { category: 'worker_lost', message: 'the model task ended without a result' },
          latencyMs: 7,
          usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
        },
      ]);
      expect(current.usage).toEqual({ inputTokens: 10, outputTokens: 4, cachedInputTokens: 2, costUsd: 0.0005 });
    });

    it('adds no rows when the same stage.record is delivered again', async () => {
      const before = await view(envelope.analysisId);
      const again = await add('stage.record', initial(), { jobId: `${envelope.analysisId}_0_record_again` });
      await settled(again, 'completed');

      expect(await storedOutputs(envelope.analysisId)).toBe(3);
      const after = await view(envelope.analysisId);
      expect(after.stages).toEqual(before.stages);
      expect(after.usage).toEqual(before.usage);
    });
  });

  describe('a finish that arrives before the last stage.record', () => {
    let envelope: Envelope;
    let done: AnalysisView;

    beforeAll(async () => {
      envelope = await createAnalysis();
    });

    it('is retried until the outputs are stored, then completes the analysis', async () => {
      // No analysis.started here: the first record also moves the analysis out of queued.
      await Promise.all([
        record(
          stageRecord(
            envelope,
            'initial',
            0,
            models.map((m) => answered(m, 'initial')),
          ),
        ),
        record(stageRecord(envelope, 'meta', 1, [answered('mock:alpha', 'meta'), answered('mock:beta', 'meta')])),
        record(stageRecord(envelope, 'hyper', 2, [answered('mock:alpha', 'hyper')])),
      ]);
      await eventually('three stages stored', async () => (await storedOutputs(envelope.analysisId)) === 6);

      const finish = await add(
        'analysis.finish',
        {
          ...envelope,
          status: 'completed',
          expectedOutputs: 7,
          result: { stage: 'ultra', model: 'mock:alpha' },
          error: null,
        },
        { jobId: `${envelope.analysisId}_finish` },
      );
      const waiting = await eventually('the finish to be retried', async () => {
        const job = await Job.fromId(results, finish.id ?? '');
        return job && job.attemptsMade >= 1 ? job : undefined;
      });
      expect(waiting.failedReason).toBe('outputs pending: 6 of 7 stored');
      const early = await view(envelope.analysisId);
      expect(early.status).toBe('running');
      expect(early.stages.map((s) => s.status)).toEqual(['completed', 'completed', 'completed', 'running']);

      await record(stageRecord(envelope, 'ultra', 3, [answered('mock:alpha', 'ultra')]));
      const finished = await settled(finish, 'completed');
      expect(finished.attemptsMade).toBeGreaterThanOrEqual(1);

      done = await view(envelope.analysisId);
      expect(done.status).toBe('completed');
      expect(done.completedAt).not.toBeNull();
      expect(done.result).toEqual({ model: 'mock:alpha', text: 'mock:alpha on ultra' });
      expect(done.stages.map((s) => s.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
      expect(done.usage).toEqual({ inputTokens: 70, outputTokens: 28, cachedInputTokens: 14, costUsd: 0.0035 });
      expect(done).not.toHaveProperty('error');
    });

    it('changes nothing when another finish arrives for the ended analysis', async () => {
      const late = await add('analysis.finish', {
        ...envelope,
        status: 'failed',
        expectedOutputs: 99,
        result: null,
        error: { code: 'late', message: 'too late' },
      });
      const settledLate = await settled(late, 'completed');
      expect(settledLate.attemptsMade).toBe(1);
      expect(await view(envelope.analysisId)).toEqual(done);
    });
  });

  describe('jobs that cannot succeed', () => {
    const unknown: Envelope = { schemaVersion: SCHEMA_VERSION, analysisId: randomUUID(), requestId: 'req-unknown' };

    it('fails a stage.record for an unknown analysis without retries', async () => {
      const job = await record(stageRecord(unknown, 'initial', 0, [answered('mock:alpha', 'initial')]));
      const failed = await settled(job, 'failed');
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toBe(`analysis ${unknown.analysisId} does not exist`);
      expect(await storedOutputs(unknown.analysisId)).toBe(0);
    });

    it('fails an analysis.finish for an unknown analysis without retries', async () => {
      const job = await add('analysis.finish', {
        ...unknown,
        status: 'failed',
        expectedOutputs: 0,
        result: null,
        error: { code: 'no_models_left', message: 'every model failed' },
      });
      const failed = await settled(job, 'failed');
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toBe(`analysis ${unknown.analysisId} does not exist`);
    });

    it('fails a job with invalid data for good on its first attempt', async () => {
      const envelope = await createAnalysis();
      const job = await results.add('analysis.finish', { ...envelope, status: 'maybe' }, retries);
      const failed = await settled(job, 'failed');
      expect(failed.attemptsStarted).toBe(1);
      expect(failed.failedReason).toContain('invalid job "analysis.finish"');
      expect((await view(envelope.analysisId)).status).toBe('queued');
    });
  });
});

describe('analysis events on Redis pub/sub', () => {
  it('publishes running, each stored stage and the end, once each, after the write', async () => {
    const envelope = await createAnalysis();
    const subscriber = new Redis(redis.url);
    const events: AnalysisEvent[] = [];
    subscriber.on('message', (_channel, message) => events.push(JSON.parse(message) as AnalysisEvent));
    await subscriber.subscribe(analysisEventsChannel(redis.prefix, envelope.analysisId));
    try {
      await settled(await add('analysis.started', envelope), 'completed');
      const initial = stageRecord(envelope, 'initial', 0, [
        answered('mock:alpha', 'initial'),
        failedCall('mock:beta', 'timeout', 'mock:beta did not answer'),
      ]);
      await settled(await record(initial), 'completed');
      // A re-delivered record stores nothing new, so it announces nothing.
      await settled(await add('stage.record', initial, { jobId: 'again' }), 'completed');
      const ultra = stageRecord(envelope, 'ultra', 1, [answered('mock:alpha', 'ultra')]);
      await settled(await record(ultra), 'completed');
      const finish: JobOf<'analysis.finish'> = {
        ...envelope,
        status: 'completed',
        expectedOutputs: 3,
        result: { stage: 'ultra', model: 'mock:alpha' },
        error: null,
      };
      await settled(await add('analysis.finish', finish), 'completed');

      await eventually('four events', () => events.length >= 4);
      expect(
        events.map((e) => (e.type === 'analysis.status' ? `${e.type}:${e.status}` : `${e.type}:${e.stage}`)),
      ).toEqual([
        'analysis.status:running',
        'stage.recorded:initial',
        'stage.recorded:ultra',
        'analysis.status:completed',
      ]);
      expect(events[1]).toMatchObject({
        analysisId: envelope.analysisId,
        stageIndex: 0,
        outputs: [
          { model: 'mock:alpha', status: 'completed' },
          { model: 'mock:beta', status: 'failed' },
        ],
        at: expect.any(String),
      });
      expect((await view(envelope.analysisId)).status).toBe('completed');
    } finally {
      subscriber.disconnect();
    }
  });
});
