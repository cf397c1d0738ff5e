import {
  analysisContextKey,
  type AnalysisView,
  type AnalyzeAccepted,
  QueueName,
  SCHEMA_VERSION,
} from '@ultra/contracts';
import { redisOptionsFromUrl } from '@ultra/platform';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { ApiClient } from '../support/api';
import { eventually } from '../support/eventually';
import { TestStack } from '../support/stack';

const models = ['mock:alpha', 'mock:beta', 'mock:gamma'];

describe('never stuck: every accepted analysis ends', () => {
  let stack: TestStack;
  let user: ApiClient;
  let redis: Redis;
  let results: Queue;
  let db: Client;

  beforeAll(async () => {
    stack = await TestStack.start({
      workers: 1,
      env: {
        MOCK_LATENCY_MS: '400',
        WATCHDOG_INTERVAL_MS: '500',
        WATCHDOG_GRACE_MS: '3000',
        CANCEL_GRACE_MS: '1000',
      },
    });
    user = await new ApiClient(stack.baseUrl).registerUser();
    redis = new Redis(stack.env.REDIS_URL);
    results = new Queue(QueueName.Results, {
      connection: redisOptionsFromUrl(stack.env.REDIS_URL),
      prefix: stack.env.QUEUE_PREFIX,
    });
    db = new Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await results?.close();
    redis?.disconnect();
    await stack?.stop();
  });

  async function analyze(body: unknown): Promise<string> {
    const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', body);
    expect(accepted.status).toBe(202);
    return accepted.body.id;
  }

  /** What a Redis restart without persistence does: every key of the installation is gone. */
  async function loseRedisState(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${stack.env.QUEUE_PREFIX}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  /** The analysis once its first stage run is stored (and the next stage's calls are in flight). */
  const firstStageStored = (id: string) =>
    eventually(
      'the first stage to be stored',
      async () => {
        const view = await user.request<AnalysisView>('GET', `/api/analyses/${id}`);
        return view.body.stages[0]?.index === 0 && view.body.status === 'running' ? view.body : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 20 },
    );

  async function outputRows(id: string): Promise<{ rows: number; distinct: number }> {
    const { rows } = await db.query<{ rows: number; distinct: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT (o.stage, o.model, o.sample, r.round))::int AS distinct
         FROM stage_outputs o JOIN stage_runs r USING (analysis_id, stage_index)
        WHERE o.analysis_id = $1`,
      [id],
    );
    return rows[0];
  }

  it('completes an analysis whose prompt is a lone surrogate, or refuses it with 400', async () => {
    // The raw JSON escape: JSON.stringify would keep it too, but this is what a client sends on the wire.
    const res = await user.request<AnalyzeAccepted & { error?: { code: string } }>(
      'POST',
      '/api/analyze',
      '{"prompt":"\\ud800","models":["mock:alpha"]}',
    );
    if (res.status === 400) {
      expect(res.body.error?.code).toBe('validation_failed');
      return;
    }
    expect(res.status).toBe(202);
    expect((await user.waitForAnalysis(res.body.id, 30_000)).status).toBe('completed');
  });

  it('completes an analysis whose mock answers cut a surrogate pair, counting the repaired characters', async () => {
    const id = await analyze({ prompt: '😀'.repeat(100), models: ['mock:alpha'] });
    const done = await user.waitForAnalysis(id, 30_000);
    expect(done.status).toBe('completed');
    const outputs = done.stages.flatMap((s) => s.outputs);
    expect(outputs.some((o) => (o.repairedChars ?? 0) > 0)).toBe(true);
    expect(done.result?.text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  it('stores a stage.record carrying a lone surrogate and NUL in text and data, repaired and counted', async () => {
    const id = await analyze({ prompt: 'Record me', models: ['mock:alpha'], pattern: 'direct' });
    const done = await user.waitForAnalysis(id, 30_000);
    const stageIndex = done.stages.filter((s) => s.index !== null).length;
    const requestId = 'never-stuck-record';
    const job = await results.add(
      'stage.record',
      {
        schemaVersion: SCHEMA_VERSION,
        analysisId: id,
        requestId,
        stage: 'extra',
        stageIndex,
        label: 'Extra',
        kind: 'generate',
        round: 1,
        outputs: [
          {
            model: 'mock:alpha',
            sample: 0,
            status: 'completed',
            text: 'half \ud83d of a pair\u0000',
            error: null,
            latencyMs: 5,
            usage: { inputTokens: 1, outputTokens: 1, costUsd: 0 },
            finishReason: 'stop',
            data: { claim: '\udc00', ['nul\u0000']: 1 },
          },
        ],
      },
      { attempts: 12, backoff: { type: 'exponential', delay: 25 } },
    );
    await eventually('the record to be stored', async () => (await job.getState()) === 'completed');
    const view = (await user.request<AnalysisView>('GET', `/api/analyses/${id}`)).body;
    expect(view.stages.find((s) => s.index === stageIndex)?.outputs[0]).toMatchObject({
      text: 'half \ufffd of a pair\ufffd',
      data: { claim: '\ufffd', 'nul\ufffd': 1 },
      repairedChars: 4,
    });
  });

  it('resumes an analysis whose orchestrator state and jobs were lost, without repeating a stored stage', async () => {
    const id = await analyze({ prompt: 'Survive a Redis restart', models, pattern: 'critique' });
    const before = await firstStageStored(id);
    const stored = before.stages[0];
    await loseRedisState();
    expect(await redis.exists(analysisContextKey(stack.env.QUEUE_PREFIX, id))).toBe(0);

    const done = await user.waitForAnalysis(id, 60_000);
    expect(done.status).toBe('completed');
    expect(done.stages.map((s) => [s.index, s.id])).toEqual([
      [0, 'initial'],
      [1, 'meta'],
      [2, 'hyper'],
      [3, 'ultra'],
    ]);
    // The stored stage kept its rows: its calls were not made again.
    expect(done.stages[0].outputs).toEqual(stored.outputs);
    const rows = await outputRows(id);
    expect(rows).toEqual({ rows: 3 + 3 + 3 + 1, distinct: 10 });
  });

  it('ends a cancelled analysis that no orchestrator holds any more, with code cancelled', async () => {
    const id = await analyze({ prompt: 'Cancel me after a crash', models, pattern: 'critique' });
    await firstStageStored(id);
    await loseRedisState();
    const cancel = await user.request('POST', `/api/analyses/${id}/cancel`);
    expect(cancel.status).toBe(202);

    const done = await user.waitForAnalysis(id, 30_000);
    // The message of the delayed terminate (the orchestrator's own says that no further stage starts).
    expect(done).toMatchObject({
      status: 'failed',
      error: { code: 'cancelled', message: 'the analysis was cancelled' },
    });
  });
});
