import { modelCall, startWorker, type WorkerHarness } from '../providers/testing/worker-test-kit';

describe('the response cache, on the real Redis, against the OpenAI wire fake', () => {
  let worker: WorkerHarness;
  const MODEL = 'openai:gpt-4o';
  const usage = { inputTokens: 1_000, outputTokens: 500 };

  beforeAll(async () => {
    worker = await startWorker(process.env);
  });
  beforeEach(() => worker.fakes.openai.reply({ text: 'Breakers stop calls to a failing service.', usage }));
  afterEach(() => worker.resetFakes());
  afterAll(() => worker?.stop());

  const counter = async (kind: 'hits' | 'misses') =>
    Number((await worker.client.get(`${worker.redis.prefix}:response-cache:${kind}`)) ?? 0);

  it('answers the same call twice with one request: the second is marked cached and costs nothing', async () => {
    const call = modelCall(MODEL, { options: { stream: true, temperature: 0.2 } });
    const hitsBefore = await counter('hits');
    const first = await worker.run(call);
    const second = await worker.run({ ...call, analysisId: modelCall(MODEL).analysisId });
    expect(worker.fakes.openai.requests).toHaveLength(1);
    expect(first).toMatchObject({ status: 'completed', usage: { ...usage, costUsd: 0.0075 } });
    expect(first).not.toHaveProperty('cached');
    expect(second).toMatchObject({
      model: MODEL,
      status: 'completed',
      text: first.text,
      cached: true,
      usage: { ...usage, costUsd: 0 },
      finishReason: 'stop',
    });
    expect(await counter('hits')).toBe(hitsBefore + 1);
  });

  it('calls again when the task opts out with cache: false, and stores nothing for it', async () => {
    const call = modelCall(MODEL, { options: { cache: false } });
    await worker.run(call);
    const again = await worker.run(call);
    expect(worker.fakes.openai.requests).toHaveLength(2);
    expect(again).not.toHaveProperty('cached');
    // Nor was anything stored: the same call with the cache on still reaches the provider.
    await worker.run({ ...call, options: {} });
    expect(worker.fakes.openai.requests).toHaveLength(3);
  });

  it('never serves an answer across key scopes', async () => {
    const call = modelCall(MODEL);
    await worker.run({ ...call, options: { keyScope: 'user:1' } });
    const other = await worker.run({ ...call, options: { keyScope: 'user:2' } });
    const server = await worker.run(call);
    expect(worker.fakes.openai.requests).toHaveLength(3);
    expect([other.cached, server.cached]).toEqual([undefined, undefined]);
    expect((await worker.run({ ...call, options: { keyScope: 'user:1' } })).cached).toBe(true);
    expect(worker.fakes.openai.requests).toHaveLength(3);
  });

  it('keys on every parameter of the call: temperature, output limit, output spec and sample', async () => {
    const call = modelCall(MODEL);
    const variants = [
      call,
      { ...call, options: { temperature: 0.9 } },
      { ...call, options: { maxOutputTokens: 100 } },
      { ...call, options: { output: { format: 'json' as const, schema: 'vote' as const } } },
      { ...call, sample: 1 },
      { ...call, model: 'openai:gpt-4o-mini' },
    ];
    for (const variant of variants) await worker.run(variant);
    expect(worker.fakes.openai.requests).toHaveLength(variants.length);
  });

  it('caches only completed answers', async () => {
    worker.resetFakes();
    worker.fakes.openai.replyOnce({ status: 400, errorMessage: 'bad request' }).reply({ text: 'fine' });
    const call = modelCall(MODEL);
    expect((await worker.run(call)).status).toBe('failed');
    expect(await worker.run(call)).toMatchObject({ status: 'completed', text: 'fine' });
    expect(worker.fakes.openai.requests).toHaveLength(2);
  });

  it('never caches the mock, whose latency and failures are there to be seen', async () => {
    const call = modelCall('mock:alpha');
    const misses = await counter('misses');
    await worker.run(call);
    expect((await worker.run(call)).cached).toBeUndefined();
    expect(await counter('misses')).toBe(misses);
  });
});
