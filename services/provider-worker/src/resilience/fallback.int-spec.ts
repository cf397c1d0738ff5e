import { breakerKey } from '@ultra/contracts';
import type { FakeReply, FakeVendorServer } from '@ultra/fake-llm';
import { jsonFile, modelCall, startWorker, type WorkerHarness } from '../providers/testing/worker-test-kit';

const entry = (id: string, fallbacks: string[] = []) => ({
  id,
  displayName: id,
  contextWindow: 100_000,
  pricing: { inputPerMTok: 1, outputPerMTok: 2 },
  fallbacks,
});

describe('fallback chains, through the SDKs and the wire fakes', () => {
  let worker: WorkerHarness;
  const retries = { attempts: 3, backoff: { type: 'provider', delay: 10 } };

  beforeAll(async () => {
    const catalog = {
      models: [
        // xai has no key on the worker: that fallback is passed over.
        entry('openai:gpt-4.1', ['xai:grok-4', 'anthropic:claude-sonnet-4-6']),
        entry('openai:gpt-4o-mini', ['mistral:mistral-small-latest', 'anthropic:claude-haiku-4-5']),
        entry('xai:grok-4'),
        entry('anthropic:claude-sonnet-4-6'),
        entry('anthropic:claude-haiku-4-5'),
        entry('mistral:mistral-small-latest'),
      ],
    };
    worker = await startWorker(
      process.env,
      {
        ULTRA_MODELS_FILE: jsonFile('models.json', catalog),
        BREAKER_FAILURE_THRESHOLD: '2',
        BREAKER_COOLDOWN_MS: '600000',
        RESPONSE_CACHE_TTL_S: '0',
      },
      (fakes) => ({
        providers: [
          {
            id: 'pz',
            baseUrl: `${fakes.openai.url}/v1`,
            models: [{ name: 'z-1', fallbacks: ['anthropic:claude-sonnet-4-6'] }, { name: 'z-2' }],
          },
        ],
      }),
    );
  });
  afterEach(() => worker.resetFakes());
  afterAll(() => worker?.stop());

  /** Scripts `fake` to answer requests for the model `name` with `reply`. */
  const when = (fake: FakeVendorServer, name: string, reply: FakeReply) =>
    fake.reply((request) => (JSON.stringify(request.body ?? '').includes(`"model":"${name}"`) ? reply : undefined));

  it('tries the fallbacks in order, within the same task, once the model’s retries are exhausted', async () => {
    when(worker.fakes.openai, 'gpt-4.1', { status: 503, errorMessage: 'overloaded' });
    worker.fakes.anthropic.reply({
      text: 'Claude answers for GPT-4.1.',
      usage: { inputTokens: 100, outputTokens: 50 },
    });
    const result = await worker.run(modelCall('openai:gpt-4.1'), { ...retries, attempts: 2 });
    expect(worker.fakes.openai.requests).toHaveLength(2);
    expect(result).toMatchObject({
      model: 'openai:gpt-4.1',
      status: 'completed',
      text: 'Claude answers for GPT-4.1.',
      answeredBy: 'anthropic:claude-sonnet-4-6',
      fallbackReason: expect.stringMatching(/^openai:gpt-4\.1 failed \(provider_unavailable\): .*HTTP 503: overloaded/),
      // At the price of the model that answered.
      usage: { inputTokens: 100, outputTokens: 50, costUsd: 0.0002 },
    });
  });

  it('fails fast to the first usable fallback, without calling a model whose breaker is open', async () => {
    // The previous test's failures opened gpt-4.1's breaker (threshold 2).
    expect(await worker.client.hget(breakerKey(worker.redis.prefix, 'model', 'openai:gpt-4.1'), 'state')).toBe('open');
    worker.fakes.anthropic.reply({ text: 'Claude again.' });
    const result = await worker.run(modelCall('openai:gpt-4.1'), retries);
    expect(worker.fakes.openai.requests).toHaveLength(0);
    expect(result).toMatchObject({
      model: 'openai:gpt-4.1',
      status: 'completed',
      answeredBy: 'anthropic:claude-sonnet-4-6',
      fallbackReason: expect.stringContaining(
        'openai:gpt-4.1 (circuit_open): the circuit breaker of model openai:gpt-4.1 is open since',
      ),
    });
  });

  it('hands a non-retryable failure (auth) to the fallbacks at once, and goes on down the chain', async () => {
    when(worker.fakes.openai, 'gpt-4o-mini', { status: 401, errorMessage: 'Incorrect API key provided' });
    worker.fakes.mistral.reply({ status: 500, errorMessage: 'mistral is down' });
    worker.fakes.anthropic.reply({ text: 'Haiku answers.' });
    const result = await worker.run(modelCall('openai:gpt-4o-mini'), retries);
    expect(result).toMatchObject({
      model: 'openai:gpt-4o-mini',
      status: 'completed',
      text: 'Haiku answers.',
      answeredBy: 'anthropic:claude-haiku-4-5',
      fallbackReason: expect.stringMatching(/^openai:gpt-4o-mini failed \(auth\): .*Incorrect API key/),
    });
    // One call to each model of the chain, none retried, though the task had three attempts.
    const fakes = [worker.fakes.openai, worker.fakes.mistral, worker.fakes.anthropic];
    expect(fakes.map((f) => f.requests.length)).toEqual([1, 1, 1]);
  });

  it('reads the fallbacks of models declared with OpenAI-compatible servers', async () => {
    when(worker.fakes.openai, 'z-1', { status: 401, errorMessage: 'no key' });
    worker.fakes.anthropic.reply({ text: 'Sonnet for pz.' });
    const result = await worker.run(modelCall('pz:z-1'), retries);
    expect(result).toMatchObject({
      model: 'pz:z-1',
      answeredBy: 'anthropic:claude-sonnet-4-6',
      text: 'Sonnet for pz.',
    });
  });

  it('fails fast with circuit_open, naming the model, since when and why, when no fallback can answer', async () => {
    when(worker.fakes.openai, 'z-2', { status: 503, errorMessage: 'z-2 is down' });
    await worker.run(modelCall('pz:z-2'));
    await worker.run(modelCall('pz:z-2'));
    const openedAt = Number(await worker.client.hget(breakerKey(worker.redis.prefix, 'model', 'pz:z-2'), 'openedAt'));
    const result = await worker.run(modelCall('pz:z-2'), retries);
    expect(result).toMatchObject({
      model: 'pz:z-2',
      status: 'failed',
      error: {
        category: 'circuit_open',
        message: `pz:z-2: the circuit breaker of model pz:z-2 is open since ${new Date(openedAt).toISOString()}: 2 failures in a row, the last: pz:z-2: HTTP 503: z-2 is down`,
      },
    });
    expect(worker.fakes.openai.requests).toHaveLength(2);
  });
});
