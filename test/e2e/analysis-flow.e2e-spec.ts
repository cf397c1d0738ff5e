import { randomUUID } from 'node:crypto';
import type { AnalysisPage, AnalysisView, AnalyzeAccepted } from '@ultra/contracts';
import { ApiClient } from '../support/api';
import { TestStack } from '../support/stack';

const models = ['mock:alpha', 'mock:beta', 'mock:gamma'];

describe('analysis flow across gateway → orchestrator → provider-workers → results', () => {
  let stack: TestStack;
  let anonymous: ApiClient;
  let user: ApiClient;

  beforeAll(async () => {
    // mock:delta always fails, so partial and total failures can be seen next to healthy models.
    stack = await TestStack.start({ workers: 2, env: { MOCK_FAIL_MODELS: 'mock:delta' } });
    anonymous = new ApiClient(stack.baseUrl);
    user = await anonymous.registerUser();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('runs all four stages with three mock models and stores the synthesis', async () => {
    const requestId = `e2e-${randomUUID()}`;
    const accepted = await user.request<AnalyzeAccepted>(
      'POST',
      '/api/analyze',
      { prompt: 'Why is the sky blue?', models },
      { 'x-request-id': requestId },
    );
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({
      id: expect.any(String),
      status: 'queued',
      links: { self: `/api/analyses/${accepted.body.id}` },
    });

    const immediately = await user.request<AnalysisView>('GET', `/api/analyses/${accepted.body.id}`);
    expect(immediately.status).toBe(200);
    expect(['queued', 'running']).toContain(immediately.body.status);

    const done = await user.waitForAnalysis(accepted.body.id);
    expect(done).toMatchObject({
      status: 'completed',
      pattern: 'confidence',
      models,
      ultraModel: 'mock:alpha',
      prompt: 'Why is the sky blue?',
    });
    // The default pattern, confidence: its reviews are structured, and an aggregate measures their agreement.
    expect(done.stages.map((s) => [s.name, s.kind, s.status, s.outputs.map((o) => o.model)])).toEqual([
      ['initial', 'generate', 'completed', models],
      ['meta', 'generate', 'completed', models],
      ['agreement', 'aggregate', 'completed', []],
      ['hyper', 'generate', 'completed', models],
      ['ultra', 'generate', 'completed', ['mock:alpha']],
    ]);
    const outputs = done.stages.flatMap((s) => s.outputs);
    for (const output of outputs) {
      expect(output).toMatchObject({ status: 'completed', text: expect.any(String) });
      expect(output.usage.inputTokens).toBeGreaterThan(0);
      expect(output.usage.outputTokens).toBeGreaterThan(0);
      expect(output.latencyMs).toBeGreaterThanOrEqual(19); // MOCK_LATENCY_MS=20, less timer slack
    }
    // Each voice answers differently, about the question it was asked.
    expect(new Set(done.stages[0].outputs.map((o) => o.text)).size).toBe(3);
    for (const answer of done.stages[0].outputs) expect(answer.text).toContain('Why is the sky blue?');
    for (const review of done.stages[1].outputs) expect(review.data).toMatchObject({ claims: expect.any(Array) });
    expect(done.result).toEqual({
      model: 'mock:alpha',
      stage: 'ultra',
      text: done.stages[4].outputs[0].text,
      agreement: done.stages[2].aggregate,
      finishReason: 'stop',
    });
    expect(done.usage).toEqual({
      inputTokens: outputs.reduce((n, o) => n + o.usage.inputTokens, 0),
      outputTokens: outputs.reduce((n, o) => n + o.usage.outputTokens, 0),
      costUsd: 0, // mock models are free
    });
    expect(done.completedAt).not.toBeNull();

    // One correlation id follows the request through every service.
    for (const name of ['orchestrator', 'results'] as const) {
      expect(stack.service(name).count((l) => l.requestId === requestId)).toBeGreaterThan(0);
    }
    expect(stack.workers.reduce((n, w) => n + w.count((l) => l.requestId === requestId), 0)).toBeGreaterThanOrEqual(10);
  });

  it('shares model tasks between two provider-worker processes', async () => {
    const ids = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const res = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
          prompt: `Question ${i}`,
          models,
          pattern: 'critique',
        });
        expect(res.status).toBe(202);
        return res.body.id;
      }),
    );
    const views = await Promise.all(ids.map((id) => user.waitForAnalysis(id)));
    expect(views.every((v) => v.status === 'completed' && v.pattern === 'critique')).toBe(true);
    const perWorker = stack.workers.map((w) => w.count((l) => l.msg === 'model call completed'));
    expect(perWorker.every((n) => n > 0)).toBe(true);
  });

  it('drops a failing model from later stages and falls back to another ultra model', async () => {
    const res = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt: 'Plan a migration',
      models: ['mock:delta', 'mock:alpha', 'mock:beta'],
      ultraModel: 'mock:delta',
    });
    const done = await user.waitForAnalysis(res.body.id);
    expect(done.status).toBe('completed');
    const initial = done.stages[0];
    expect(initial.outputs.find((o) => o.model === 'mock:delta')).toMatchObject({
      status: 'failed',
      text: null,
      error: { category: 'provider_unavailable', message: expect.stringContaining('mock:delta') },
    });
    expect(done.stages[1].outputs.map((o) => o.model)).toEqual(['mock:alpha', 'mock:beta']);
    expect(done.stages.find((s) => s.id === 'ultra')!.outputs.map((o) => o.model)).toEqual(['mock:alpha']);
    expect(done.result?.model).toBe('mock:alpha');
  });

  it('fails the analysis, naming the cause, when no model is left', async () => {
    const res = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt: 'Anything',
      models: ['mock:delta'],
    });
    const done = await user.waitForAnalysis(res.body.id);
    expect(done.status).toBe('failed');
    expect(done.result).toBeNull();
    expect(done.error).toEqual({ code: 'all_models_failed', message: expect.stringContaining('mock:delta') });
    expect(done.stages.map((s) => s.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped', 'skipped']);
  });

  it('keeps analyses private and lists them newest first', async () => {
    const other = await anonymous.registerUser();
    const mine = await user.request<AnalysisPage>('GET', '/api/analyses?limit=2');
    expect(mine.status).toBe(200);
    expect(mine.body.analyses).toHaveLength(2);
    const stamps = mine.body.analyses.map((a) => a.createdAt);
    expect([...stamps].sort().reverse()).toEqual(stamps);
    expect(mine.body.nextCursor).toEqual(expect.any(String));
    const next = await user.request<AnalysisPage>('GET', `/api/analyses?limit=2&cursor=${mine.body.nextCursor}`);
    expect(next.body.analyses[0].createdAt <= stamps[1]).toBe(true);
    expect(next.body.analyses.map((a) => a.id)).not.toContain(mine.body.analyses[0].id);

    const theirs = await other.request('GET', `/api/analyses/${mine.body.analyses[0].id}`);
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual({
      error: {
        code: 'analysis_not_found',
        message: expect.any(String),
        traceId: expect.stringMatching(/^[\da-f]{32}$/),
      },
    });
    expect((await other.request<AnalysisPage>('GET', '/api/analyses')).body.analyses).toEqual([]);
  });

  it('answers 401 without a token', async () => {
    for (const [method, path] of [
      ['POST', '/api/analyze'],
      ['GET', '/api/analyses'],
      ['GET', `/api/analyses/${randomUUID()}`],
      ['GET', '/api/available-models'],
    ]) {
      const res = await anonymous.request(method, path, method === 'POST' ? { prompt: 'x', models } : undefined);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        error: { code: 'unauthorized', message: expect.any(String), traceId: expect.stringMatching(/^[\da-f]{32}$/) },
      });
    }
  });

  it.each([
    ['an empty prompt', { prompt: '   ', models }, 'validation_failed'],
    ['an oversized prompt', { prompt: 'x'.repeat(32_001), models }, 'validation_failed'],
    ['no models', { prompt: 'q', models: [] }, 'validation_failed'],
    [
      'more than eight models',
      { prompt: 'q', models: Array.from({ length: 9 }, (_, i) => `mock:m${i}`) },
      'validation_failed',
    ],
    ['duplicate models', { prompt: 'q', models: ['mock:alpha', 'mock:alpha'] }, 'validation_failed'],
    ['an unknown model', { prompt: 'q', models: ['mock:alpha', 'acme:nope'] }, 'unknown_model'],
    ['an ultra model not among the models', { prompt: 'q', models, ultraModel: 'mock:delta' }, 'validation_failed'],
    ['an unknown pattern', { prompt: 'q', models, pattern: 'nope' }, 'unknown_pattern'],
  ])('rejects %s with 400', async (_case, body, code) => {
    const res = await user.request('POST', '/api/analyze', body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  });

  it('reports health of Redis and the database', async () => {
    const res = await anonymous.request('GET', '/api/health');
    expect(res).toMatchObject({ status: 200, body: { status: 'ok', checks: { redis: 'up', database: 'up' } } });
  });
});
