import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AnalyzeAccepted,
  type ApiErrorBody,
  type BreakerScope,
  breakerKey,
  type ModelInfo,
  QueueName,
} from '@ultra/contracts';
import { redisOptionsFromUrl } from '@ultra/platform';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ApiClient } from '../../../../test/support/api';
import { eventually } from '../../../../test/support/eventually';
import { jsonRequest } from '../../../../test/support/http';
import { type FakeResults, startFakeResults } from '../testing/fake-results';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';

const entry = (id: string, fallbacks: string[] = []) => ({
  id,
  displayName: id,
  contextWindow: 1000,
  pricing: { inputPerMTok: 1, outputPerMTok: 1 },
  fallbacks,
});
const catalogFile = join(mkdtempSync(join(tmpdir(), 'gateway-breakers-')), 'models.json');
writeFileSync(
  catalogFile,
  JSON.stringify({
    models: [
      entry('mock:lone'),
      entry('mock:backed', ['mock:spare']),
      entry('mock:spare'),
      entry('mock:chained', ['openai:gpt-x', 'mock:spent']),
      entry('mock:spent'),
      entry('mock:probing'),
      entry('openai:gpt-x'),
      entry('anthropic:claude-x', ['mock:spare']),
    ],
  }),
);

let gateway: GatewayTestApp;
let results: FakeResults;
let redis: Redis;
let queue: Queue;
let user: ApiClient;

beforeAll(async () => {
  results = await startFakeResults();
  gateway = await startGatewayTestApp({
    RESULTS_URL: results.server.url,
    ULTRA_MODELS_FILE: catalogFile,
    ANTHROPIC_API_KEY: 'test-key',
  });
  redis = new Redis(gateway.redis.url);
  queue = new Queue(QueueName.Analyses, {
    connection: redisOptionsFromUrl(gateway.redis.url),
    prefix: gateway.redis.prefix,
  });
  user = await new ApiClient(gateway.url).registerUser();
});

afterAll(async () => {
  redis?.disconnect();
  await queue?.close();
  await gateway?.close();
  await results?.server.close();
});

const minute = 60_000;
/** Writes a breaker as the provider-workers do: a hash at breakerKey with state, openedAt, reopenAt, reason. */
async function setBreaker(scope: BreakerScope, id: string, state: string, reason = '5 failures in 60 s: timeout') {
  const now = Date.now();
  await redis.hset(breakerKey(gateway.redis.prefix, scope, id), {
    state,
    openedAt: now - minute,
    reopenAt: now + minute,
    reason,
  });
}
const clearBreaker = (scope: BreakerScope, id: string) => redis.del(breakerKey(gateway.redis.prefix, scope, id));

async function models(): Promise<Map<string, ModelInfo>> {
  const response = await user.request<{ models: ModelInfo[] }>('GET', '/api/available-models');
  expect(response.status).toBe(200);
  return new Map(response.body.models.map((m) => [m.id, m]));
}
/** Breaker reads are cached for up to a second: wait until the listing shows `status` for `id`. */
const statusBecomes = (id: string, status: string) =>
  eventually(`${id} ${status}`, async () => {
    const model = (await models()).get(id);
    return model?.status === status && model;
  });

const analyze = (body: unknown) => user.request<AnalyzeAccepted & ApiErrorBody>('POST', '/api/analyze', body);

describe('GET /api/available-models', () => {
  it('lists every model with its catalog fallbacks, ready while its breakers are closed', async () => {
    const listed = await models();
    expect(listed.get('mock:backed')).toEqual({
      id: 'mock:backed',
      provider: 'mock',
      name: 'backed',
      displayName: 'mock:backed',
      status: 'ready',
      fallbacks: ['mock:spare'],
      pricing: { inputPerMTok: 1, outputPerMTok: 1 },
    });
    expect(listed.get('mock:chained')?.fallbacks).toEqual(['openai:gpt-x', 'mock:spent']);
    expect(listed.get('openai:gpt-x')).toMatchObject({ status: 'needs_key', fallbacks: [] });
  });

  it('shows a model degraded, with its breaker’s reason, while its own breaker is open', async () => {
    await setBreaker('model', 'mock:lone', 'open', '3 of 4 calls failed: rate_limit');
    const lone = await statusBecomes('mock:lone', 'degraded');
    expect(lone.reason).toMatch(
      /^the circuit breaker of model "mock:lone" is open since \S+Z \(3 of 4 calls failed: rate_limit\); next probe after \S+Z$/,
    );
    expect((await models()).get('mock:backed')?.status).toBe('ready');
  });

  it('shows every model of a provider degraded while the provider’s breaker is half-open', async () => {
    await setBreaker('provider', 'anthropic', 'half_open', 'probe after 5 failures');
    const claude = await statusBecomes('anthropic:claude-x', 'degraded');
    expect(claude.reason).toContain('the circuit breaker of provider "anthropic" is half-open (probing)');
    await clearBreaker('provider', 'anthropic');
    await statusBecomes('anthropic:claude-x', 'ready');
  });

  it('shows a model ready again once its breaker is closed', async () => {
    await setBreaker('model', 'mock:probing', 'open');
    await statusBecomes('mock:probing', 'degraded');
    await setBreaker('model', 'mock:probing', 'closed');
    await statusBecomes('mock:probing', 'ready');
  });
});

describe('preflight at submit', () => {
  it('refuses a model behind an open breaker without fallbacks: 400 naming the model and why, nothing stored or queued', async () => {
    await setBreaker('model', 'mock:lone', 'open', '3 of 4 calls failed: rate_limit');
    await statusBecomes('mock:lone', 'degraded');
    const before = results.created.length;
    const response = await analyze({ prompt: 'q', models: ['mock:spare', 'mock:lone'] });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'model_unavailable',
      details: [
        {
          path: 'models.1',
          message: expect.stringMatching(
            /^model "mock:lone" is unavailable: the circuit breaker of model "mock:lone" is open .*rate_limit.*, and it has no fallbacks$/,
          ),
        },
      ],
    });
    expect(results.created).toHaveLength(before);
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 0, delayed: 0, active: 0 });
  });

  it('refuses it in the estimate and in a rerun too', async () => {
    await clearBreaker('model', 'mock:spent');
    await statusBecomes('mock:spent', 'ready');
    const accepted = await analyze({ prompt: 'q', models: ['mock:spent'], pattern: 'direct' });
    expect(accepted.status).toBe(202);
    results.advance(accepted.body.id, { status: 'completed' });

    await setBreaker('provider', 'mock', 'open');
    try {
      await statusBecomes('mock:spent', 'degraded');
      const estimate = await user.request<ApiErrorBody>('POST', '/api/analyze/estimate', {
        prompt: 'q',
        models: ['mock:spent'],
      });
      expect(estimate.status).toBe(400);
      expect(estimate.body.error.code).toBe('model_unavailable');
      expect(estimate.body.error.message).toContain('the circuit breaker of provider "mock" is open');
      const rerun = await user.request<ApiErrorBody>('POST', `/api/analyses/${accepted.body.id}/rerun`, {
        fromStage: 'answer',
      });
      expect(rerun.status).toBe(400);
      expect(rerun.body.error.message).toContain('model "mock:spent" is unavailable');
    } finally {
      await clearBreaker('provider', 'mock');
      await statusBecomes('mock:spare', 'ready');
    }
  });

  it('accepts a model behind an open breaker when a fallback exists, has a key and is closed', async () => {
    await setBreaker('model', 'mock:backed', 'open');
    await statusBecomes('mock:backed', 'degraded');
    const response = await analyze({ prompt: 'q', models: ['mock:backed'] });
    expect(response.body).toMatchObject({ status: 'queued' });
  });

  it('refuses it when no fallback is usable, saying why for each', async () => {
    await setBreaker('model', 'mock:chained', 'open');
    await setBreaker('model', 'mock:spent', 'half_open');
    await statusBecomes('mock:spent', 'degraded');
    await statusBecomes('mock:chained', 'degraded');
    const response = await analyze({ prompt: 'q', models: ['mock:chained'] });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('model_unavailable');
    expect(response.body.error.message).toContain('none of its fallbacks can answer');
    expect(response.body.error.message).toContain('"openai:gpt-x" needs a key');
    expect(response.body.error.message).toContain('"mock:spent" is degraded');
  });

  it('accepts a model whose breaker is half-open: its probe needs traffic', async () => {
    await setBreaker('model', 'mock:probing', 'half_open');
    await statusBecomes('mock:probing', 'degraded');
    expect((await analyze({ prompt: 'q', models: ['mock:probing'] })).body).toMatchObject({ status: 'queued' });
  });

  it('refuses a model whose provider has no key', async () => {
    const response = await jsonRequest<ApiErrorBody>(gateway.url, 'POST', '/api/analyze', {
      body: { prompt: 'q', models: ['openai:gpt-x'] },
      token: user.token,
    });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe(
      'models.0: model "openai:gpt-x" is unavailable: provider "openai" is not configured (needs_key)',
    );
  });
});
