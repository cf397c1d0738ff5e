import {
  type AnalyzeAccepted,
  type ApiErrorBody,
  breakerKey,
  type ModelCallJob,
  type ModelInfo,
  QueueName,
} from '@ultra/contracts';
import { redisOptionsFromUrl } from '@ultra/platform';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ApiClient } from '../support/api';
import { eventually } from '../support/eventually';
import { TestStack } from '../support/stack';

describe('gateway resilience through every service: cache opt-out, idempotency, preflight, readiness', () => {
  let stack: TestStack;
  let user: ApiClient;
  let modelTasks: Queue;
  let redis: Redis;

  beforeAll(async () => {
    stack = await TestStack.start({ workers: 1 });
    user = await new ApiClient(stack.baseUrl).registerUser();
    modelTasks = new Queue(QueueName.ModelTasks, {
      connection: redisOptionsFromUrl(stack.env.REDIS_URL),
      prefix: stack.env.QUEUE_PREFIX,
    });
    redis = new Redis(stack.env.REDIS_URL);
  });

  afterAll(async () => {
    redis?.disconnect();
    await modelTasks?.close();
    await stack?.stop();
  });

  async function callOptions(analysisId: string): Promise<ModelCallJob['options'][]> {
    const jobs = await modelTasks.getJobs(['completed', 'failed']);
    return jobs
      .filter((j) => (j.data as ModelCallJob).analysisId === analysisId)
      .map((j) => (j.data as ModelCallJob).options);
  }

  it('keeps cache: false in the analysis’ options and sends it, with the server key scope, on every model call', async () => {
    const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt: 'Fresh answers only',
      models: ['mock:alpha', 'mock:beta'],
      pattern: 'critique',
      options: { temperature: 0.4 },
      cache: false,
    });
    expect(accepted.status).toBe(202);
    const view = await user.waitForAnalysis(accepted.body.id);
    expect(view).toMatchObject({ status: 'completed', options: { temperature: 0.4, cache: false } });
    const options = await callOptions(view.id);
    expect(options.length).toBeGreaterThan(0);
    for (const o of options) expect(o).toMatchObject({ cache: false, keyScope: 'server' });
  });

  it('sends no cache flag when the request does not opt out', async () => {
    const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt: 'Cached answers welcome',
      models: ['mock:alpha'],
      pattern: 'direct',
    });
    const view = await user.waitForAnalysis(accepted.body.id);
    expect(view.options).toEqual({});
    const options = await callOptions(view.id);
    expect(options).toHaveLength(1);
    expect(options[0]).toMatchObject({ keyScope: 'server' });
    expect(options[0]).not.toHaveProperty('cache');
  });

  it('refuses a prompt holding a lone UTF-16 surrogate with 400 naming the prompt', async () => {
    const response = await user.request<ApiErrorBody>(
      'POST',
      '/api/analyze',
      '{"prompt":"\\ud800","models":["mock:alpha"]}',
    );
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'prompt', message: expect.stringContaining('lone UTF-16 surrogate (U+D800') }],
    });
  });

  it('answers a repeated Idempotency-Key with the same analysis, which runs once', async () => {
    const body = { prompt: 'Once only', models: ['mock:alpha'], pattern: 'direct' };
    const send = () => user.request<AnalyzeAccepted>('POST', '/api/analyze', body, { 'idempotency-key': 'e2e-once' });
    const first = await send();
    const again = await send();
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body).toEqual(first.body);
    expect((await user.waitForAnalysis(first.body.id)).status).toBe('completed');
    const mine = await user.request<{ analyses: { prompt: string }[] }>('GET', '/api/analyses?limit=100');
    expect(mine.body.analyses.filter((a) => a.prompt === 'Once only')).toHaveLength(1);
  });

  it('shows a model degraded and refuses it at submit while its breaker is open', async () => {
    const now = Date.now();
    await redis.hset(breakerKey(stack.env.QUEUE_PREFIX, 'model', 'mock:delta'), {
      state: 'open',
      openedAt: now,
      reopenAt: now + 600_000,
      reason: '5 failures in 60 s: provider_unavailable',
    });
    const delta = await eventually('mock:delta degraded', async () => {
      const listed = await user.request<{ models: ModelInfo[] }>('GET', '/api/available-models');
      const model = listed.body.models.find((m) => m.id === 'mock:delta');
      return model?.status === 'degraded' && model;
    });
    expect(delta.reason).toContain('provider_unavailable');
    const refused = await user.request<ApiErrorBody>('POST', '/api/analyze', { prompt: 'q', models: ['mock:delta'] });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'model_unavailable',
      message: expect.stringContaining('mock:delta'),
    });
  });

  it('is live and ready, with Redis, its database and results reachable', async () => {
    const anonymous = new ApiClient(stack.baseUrl);
    expect(await anonymous.request('GET', '/api/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await anonymous.request('GET', '/api/health/ready')).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { redis: 'up', database: 'up', results: 'up' } },
    });
  });
});
