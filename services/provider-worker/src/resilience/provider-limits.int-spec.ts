import { eventually } from '../../../../test/support/eventually';
import { modelCall, startWorker, type WorkerHarness } from '../providers/testing/worker-test-kit';
import { ProviderLimitsService } from './provider-limits.service';

describe('per-provider limits shared in Redis, against the wire fakes', () => {
  let worker: WorkerHarness;
  /** When each request for a model reached the OpenAI fake (ms since the epoch), by model name. */
  const arrivals = new Map<string, number[]>();

  beforeAll(async () => {
    worker = await startWorker(
      process.env,
      {
        PROVIDER_LIMITS: JSON.stringify({ openai: { concurrency: 2 }, anthropic: { concurrency: 1 } }),
        RESPONSE_CACHE_TTL_S: '0',
      },
      // A providers file's limits apply as well: 60 requests a minute, at most one second's worth at once.
      (fakes) => ({
        providers: [
          {
            id: 'slow',
            baseUrl: `${fakes.openai.url}/v1`,
            models: [{ name: 's-1' }],
            limits: { requestsPerMinute: 60 },
          },
        ],
      }),
    );
  });
  beforeEach(() =>
    worker.fakes.openai.reply((request) => {
      const model = (request.body as { model: string }).model;
      arrivals.set(model, [...(arrivals.get(model) ?? []), Date.now()]);
      return { latencyMs: 100 };
    }),
  );
  afterEach(() => worker.resetFakes());
  afterAll(() => worker?.stop());

  it('queues a burst instead of exceeding the concurrency: never more than 2 calls at once at the fake', async () => {
    worker.fakes.openai.resetInFlight();
    const results = await Promise.all(Array.from({ length: 8 }, () => worker.run(modelCall('openai:gpt-4o-mini'))));
    expect(results.every((r) => r.status === 'completed')).toBe(true);
    expect(worker.fakes.openai.requests).toHaveLength(8);
    expect(worker.fakes.openai.maxInFlight).toBe(2);
  });

  it('spreads calls over the minute under a requests-per-minute limit, delaying the tasks that must wait', async () => {
    const tasks = Array.from({ length: 4 }, () => worker.run(modelCall('slow:s-1')));
    // The first two fit in the burst; the others wait in BullMQ's delayed set, holding no worker slot.
    await eventually('the tasks to wait', async () => (await worker.queue.getDelayedCount()) > 0 || undefined);
    const results = await Promise.all(tasks);
    expect(results.every((r) => r.status === 'completed')).toBe(true);
    const at = arrivals.get('s-1')!;
    expect(at).toHaveLength(4);
    // One request a second beyond the burst: the fourth comes at least two seconds after the first (less jitter).
    expect(at[3] - at[0]).toBeGreaterThanOrEqual(1_900);
  });

  it('pauses the whole provider for every task after a 429 with retry-after, and the retry honours it', async () => {
    worker.resetFakes();
    worker.fakes.anthropic.replyOnce({ status: 429, errorMessage: 'slow down', retryAfterSeconds: 1 }).reply({});
    const retries = { attempts: 2, backoff: { type: 'provider', delay: 10 } };
    const limited = worker.run(modelCall('anthropic:claude-haiku-4-5'), retries);
    await eventually('the 429', () => worker.fakes.anthropic.requests.length === 1);
    const coolKey = `${worker.redis.prefix}:limits:anthropic:cool-until`;
    expect(await worker.client.pttl(coolKey)).toBeGreaterThan(0);
    // Another task for the same provider waits out the pause rather than drawing another 429.
    const other = worker.run(modelCall('anthropic:claude-opus-4-5'));
    await eventually('the other task to wait', async () => (await worker.queue.getDelayedCount()) > 0 || undefined);
    expect(worker.fakes.anthropic.requests).toHaveLength(1);
    const results = await Promise.all([limited, other]);
    expect(results.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(worker.fakes.anthropic.requests).toHaveLength(3);
  });

  it('never waits past the stage deadline: a task that would fails at once with rate_limit', async () => {
    const limits = worker.app.get(ProviderLimitsService);
    await limits.coolDown('mistral:mistral-small-latest', 30_000);
    const result = await worker.run(
      modelCall('mistral:mistral-small-latest', { options: { stageDeadlineAt: Date.now() + 2_000 } }),
    );
    expect(result).toMatchObject({
      status: 'failed',
      error: { category: 'rate_limit', message: expect.stringContaining("past the stage's time limit") },
    });
    expect(result.error!.message).toMatch(/^mistral:mistral-small-latest: its provider is at its cool-until limit/);
    expect(worker.fakes.mistral.requests).toHaveLength(0);
  });

  it('frees the concurrency slot of a worker that died mid-call once its lease has passed', async () => {
    const limits = worker.app.get(ProviderLimitsService);
    const request = { messages: [{ role: 'user' as const, content: 'hi' }] };
    // Two leases never released, as if their worker had been killed.
    for (let i = 0; i < 2; i++) expect((await limits.acquire('openai:gpt-4o', request, 300)).granted).toBe(true);
    expect(await limits.acquire('openai:gpt-4o', request, 300)).toMatchObject({ granted: false, limit: 'concurrency' });
    await eventually('a free slot', async () => {
      const decision = await limits.acquire('openai:gpt-4o', request, 60_000);
      if (decision.granted) decision.lease.release();
      return decision.granted;
    });
  });
});
