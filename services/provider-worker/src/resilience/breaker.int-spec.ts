import { type BreakerEvent, breakerEventsChannel, breakerKey, type BreakerScope } from '@ultra/contracts';
import type { Redis } from 'ioredis';
import { eventually } from '../../../../test/support/eventually';
import { modelCall, startWorker, type WorkerHarness } from '../providers/testing/worker-test-kit';
import { BreakerService } from './breaker.service';

const COOLDOWN_MS = 2_000;

/** Rules of the OpenAI fake keyed by the model name it is asked for. */
type Script = Record<string, { status?: number; latencyMs?: number; retryAfterSeconds?: number }>;

describe('circuit breakers shared in Redis, against the OpenAI wire fake', () => {
  let worker: WorkerHarness;
  let subscriber: Redis;
  const events: BreakerEvent[] = [];
  const script: Script = {};

  beforeAll(async () => {
    // One OpenAI-compatible provider per test, all served by the OpenAI fake, so each test's breakers start closed.
    const providers = ['pa', 'pb', 'pc', 'pd', 'pe', 'pf'];
    worker = await startWorker(
      process.env,
      {
        BREAKER_FAILURE_THRESHOLD: '3',
        BREAKER_MIN_CALLS: '4',
        BREAKER_FAILURE_RATIO: '0.5',
        BREAKER_COOLDOWN_MS: String(COOLDOWN_MS),
      },
      (fakes) => ({
        providers: providers.map((id) => ({
          id,
          baseUrl: `${fakes.openai.url}/v1`,
          models: [{ name: `${id}-1` }, { name: `${id}-2` }, { name: `${id}-3` }],
        })),
      }),
    );
    worker.fakes.openai.reply((request) => script[(request.body as { model: string }).model] ?? {});
    subscriber = worker.client.duplicate();
    subscriber.on('message', (_channel, message: string) => events.push(JSON.parse(message) as BreakerEvent));
    await subscriber.subscribe(breakerEventsChannel(worker.redis.prefix));
  });
  afterAll(async () => {
    subscriber?.disconnect();
    await worker?.stop();
  });

  const breaker = (scope: BreakerScope, id: string) =>
    worker.client.hgetall(breakerKey(worker.redis.prefix, scope, id));
  const callsTo = (name: string) =>
    worker.fakes.openai.requests.filter((r) => (r.body as { model: string }).model === name).length;
  const fail = async (model: string, times: number) => {
    for (let i = 0; i < times; i++) await worker.run(modelCall(model));
  };
  const coolDownPassed = async (scope: BreakerScope, id: string) => {
    const reopenAt = Number((await breaker(scope, id)).reopenAt);
    await eventually('the cool-down', () => Date.now() > reopenAt + 10, { timeoutMs: COOLDOWN_MS * 3 });
  };

  it('opens after consecutive failures, publishes it, and then fails fast naming the model, since when and why', async () => {
    script['pa-1'] = { status: 503 };
    await fail('pa:pa-1', 3);
    const state = await breaker('model', 'pa:pa-1');
    expect(state).toMatchObject({ state: 'open', reason: expect.stringMatching(/^3 failures in a row.*HTTP 503/) });
    expect(Number(state.reopenAt) - Number(state.openedAt)).toBe(COOLDOWN_MS);
    await eventually('the event', () =>
      events.find((e) => e.id === 'pa:pa-1' && e.to === 'open' && e.from === 'closed' && e.scope === 'model'),
    );
    const fast = await worker.run(modelCall('pa:pa-1'));
    expect(fast.error).toEqual({
      category: 'circuit_open',
      message: expect.stringContaining(
        `pa:pa-1: the circuit breaker of model pa:pa-1 is open since ${new Date(Number(state.openedAt)).toISOString()}: 3 failures in a row`,
      ),
    });
    expect(callsTo('pa-1')).toBe(3);
    // One failing model opens only its own breaker: the provider's other models are still called.
    expect((await breaker('provider', 'pa')).state).not.toBe('open');
    expect((await worker.run(modelCall('pa:pa-2'))).status).toBe('completed');
  });

  it('does not count failures that say nothing about the provider’s health', async () => {
    for (const status of [401, 400, 429, 401, 400, 429]) {
      script['pb-1'] = { status };
      await worker.run(modelCall('pb:pb-1'));
    }
    expect(callsTo('pb-1')).toBe(6);
    expect((await breaker('model', 'pb:pb-1')).state).not.toBe('open');
  });

  it('lets exactly one probe through after the cool-down; its success closes the breaker', async () => {
    script['pc-1'] = { status: 503 };
    await fail('pc:pc-1', 3);
    await coolDownPassed('model', 'pc:pc-1');
    script['pc-1'] = { latencyMs: 300 };
    const results = await Promise.all([1, 2, 3, 4].map(() => worker.run(modelCall('pc:pc-1'))));
    expect(callsTo('pc-1')).toBe(4);
    expect(results.filter((r) => r.status === 'completed')).toHaveLength(1);
    const refused = results.filter((r) => r.status === 'failed');
    expect(refused.map((r) => r.error?.category)).toEqual(['circuit_open', 'circuit_open', 'circuit_open']);
    expect(refused[0].error?.message).toContain('half-open');
    expect(await breaker('model', 'pc:pc-1')).toEqual({ state: 'closed', consecutiveFailures: '0' });
    const changes = events.filter((e) => e.id === 'pc:pc-1').map((e) => `${e.from}→${e.to}`);
    expect(changes).toEqual(['closed→open', 'open→half_open', 'half_open→closed']);
    expect((await worker.run(modelCall('pc:pc-1'))).status).toBe('completed');
  });

  it('re-opens when the probe fails', async () => {
    script['pd-1'] = { status: 503 };
    await fail('pd:pd-1', 3);
    const first = await breaker('model', 'pd:pd-1');
    await coolDownPassed('model', 'pd:pd-1');
    await fail('pd:pd-1', 1);
    const again = await breaker('model', 'pd:pd-1');
    expect(again).toMatchObject({ state: 'open', reason: expect.stringMatching(/^the probe call failed: .*HTTP 503/) });
    expect(Number(again.openedAt)).toBeGreaterThan(Number(first.openedAt));
    expect(callsTo('pd-1')).toBe(4);
  });

  it('opens when the failed share of the window reaches the ratio, without failures in a row', async () => {
    for (const status of [200, 503, 200, 503]) {
      script['pe-1'] = status === 200 ? {} : { status };
      await worker.run(modelCall('pe:pe-1'));
    }
    expect(await breaker('model', 'pe:pe-1')).toMatchObject({
      state: 'open',
      reason: expect.stringMatching(/^2 of the last 4 calls failed/),
    });
  });

  it('opens a provider’s breaker when two of its models fail, which stops its healthy models too', async () => {
    script['pf-1'] = { status: 503 };
    script['pf-2'] = { status: 503 };
    for (const model of ['pf:pf-1', 'pf:pf-2', 'pf:pf-1']) await worker.run(modelCall(model));
    expect((await breaker('provider', 'pf')).state).toBe('open');
    expect((await breaker('model', 'pf:pf-1')).state).toBe('closed');
    const healthy = await worker.run(modelCall('pf:pf-3'));
    expect(healthy.error).toMatchObject({
      category: 'circuit_open',
      message: expect.stringContaining('the circuit breaker of provider pf is open'),
    });
    expect(callsTo('pf-3')).toBe(0);
  });

  it('grants the half-open probe to exactly one of many workers asking at once, and again once its lease lapses', async () => {
    const key = breakerKey(worker.redis.prefix, 'model', 'openai:gpt-6.2-sol');
    await worker.client.hset(key, {
      state: 'open',
      openedAt: Date.now() - 5_000,
      reopenAt: Date.now() - 1,
      reason: 'test',
    });
    const breakers = worker.app.get(BreakerService);
    const verdicts = await Promise.all(Array.from({ length: 10 }, () => breakers.check('openai:gpt-6.2-sol', 200)));
    expect(verdicts.filter((v) => !v.open && v.probes.length === 1)).toHaveLength(1);
    expect(verdicts.filter((v) => v.open)).toHaveLength(9);
    // The probe's caller died: once its lease has passed, another call probes.
    await eventually('another probe', async () => {
      const verdict = await breakers.check('openai:gpt-6.2-sol', 200);
      return !verdict.open && verdict.probes.length === 1;
    });
  });
});
