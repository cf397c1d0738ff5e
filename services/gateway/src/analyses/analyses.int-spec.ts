import {
  type AnalysisStartJob,
  analysisStartJob,
  type AnalyzeAccepted,
  type AnalysisEstimate,
  type ApiErrorBody,
  type PatternSpec,
  QueueName,
  type StageRun,
} from '@ultra/contracts';
import { redisOptionsFromUrl } from '@ultra/platform';
import { Queue } from 'bullmq';
import { jsonRequest } from '../../../../test/support/http';
import { ApiClient } from '../../../../test/support/api';
import { type FakeResults, startFakeResults } from '../testing/fake-results';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';
import { patternDocument } from '../testing/test-patterns';

let gateway: GatewayTestApp;
let results: FakeResults;
let queue: Queue;
let alice: string;
let bob: string;

const analyze = (body: unknown, headers: Record<string, string> = {}) =>
  jsonRequest<AnalyzeAccepted & ApiErrorBody>(gateway.url, 'POST', '/api/analyze', { body, token: alice, headers });
const get = <T>(path: string, token = alice, headers: Record<string, string> = {}) =>
  jsonRequest<T & ApiErrorBody>(gateway.url, 'GET', path, { token, headers });

beforeAll(async () => {
  results = await startFakeResults();
  // A key (never used: nothing calls a provider here) makes Anthropic's priced models ready, for the budget test.
  gateway = await startGatewayTestApp({
    RESULTS_URL: results.server.url,
    MAX_PROMPT_CHARS: '100',
    ANTHROPIC_API_KEY: 'test-key',
  });
  queue = new Queue(QueueName.Analyses, {
    connection: redisOptionsFromUrl(gateway.redis.url),
    prefix: gateway.redis.prefix,
  });
  alice = (await new ApiClient(gateway.url).registerUser()).token!;
  bob = (await new ApiClient(gateway.url).registerUser()).token!;
});

afterAll(async () => {
  await queue?.close();
  await gateway?.close();
  await results?.server.close();
});

describe('POST /api/analyze rejects bad requests', () => {
  it.each([
    ['an empty prompt', { prompt: '', models: ['mock:alpha'] }, 'validation_failed', 'prompt must not be empty'],
    [
      'a whitespace prompt',
      { prompt: ' \n\t ', models: ['mock:alpha'] },
      'validation_failed',
      'prompt must not be empty',
    ],
    ['an oversized prompt', { prompt: 'x'.repeat(101), models: ['mock:alpha'] }, 'validation_failed', 'at most 100'],
    [
      'a prompt with a NUL character',
      { prompt: 'why\u0000not', models: ['mock:alpha'] },
      'validation_failed',
      'must not contain NUL characters',
    ],
    ['no models', { prompt: 'q', models: [] }, 'validation_failed', 'at least one model'],
    [
      'nine models',
      { prompt: 'q', models: Array.from({ length: 9 }, (_, i) => `mock:m${i}`) },
      'validation_failed',
      'at most 8',
    ],
    ['duplicate models', { prompt: 'q', models: ['mock:alpha', 'mock:alpha'] }, 'validation_failed', '"mock:alpha"'],
    ['models of the wrong type', { prompt: 'q', models: 'mock:alpha' }, 'validation_failed', 'models'],
    ['a malformed model id', { prompt: 'q', models: ['alpha'] }, 'unknown_model', '"alpha"'],
    ['an unknown model', { prompt: 'q', models: ['mock:omega'] }, 'unknown_model', '"mock:omega"'],
    ['a model without a key', { prompt: 'q', models: ['openai:gpt-4o'] }, 'model_unavailable', '"openai:gpt-4o"'],
    [
      'an ultra model not asked',
      { prompt: 'q', models: ['mock:alpha'], ultraModel: 'mock:beta' },
      'validation_failed',
      '"mock:beta"',
    ],
    ['an unknown pattern', { prompt: 'q', models: ['mock:alpha'], pattern: 'nope' }, 'unknown_pattern', '"nope"'],
    [
      'an undeclared parameter',
      { prompt: 'q', models: ['mock:alpha'], pattern: 'moa', params: { depth: 1 } },
      'validation_failed',
      'params.depth',
    ],
    [
      'a parameter out of bounds',
      { prompt: 'q', models: ['mock:alpha'], pattern: 'moa', params: { layers: 99 } },
      'validation_failed',
      'layers must be between 1 and 4',
    ],
    [
      'an unknown option',
      { prompt: 'q', models: ['mock:alpha'], options: { temprature: 1 } },
      'validation_failed',
      'temprature',
    ],
    [
      'a negative cost limit',
      { prompt: 'q', models: ['mock:alpha'], maxCostUsd: -1 },
      'validation_failed',
      'maxCostUsd',
    ],
    ['no body', undefined, 'validation_failed', 'body'],
  ])('%s → 400', async (_case, body, code, message) => {
    const response = await analyze(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message).toContain(message);
    expect(Array.isArray(response.body.error.details)).toBe(true);
  });

  it('answers malformed JSON with 400 validation_failed', async () => {
    const response = await analyze('{"prompt": ');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
  });

  it('needs an access token', async () => {
    const response = await jsonRequest<ApiErrorBody>(gateway.url, 'POST', '/api/analyze', {
      body: { prompt: 'q', models: ['mock:alpha'] },
    });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthorized');
  });

  it('records and queues nothing for a rejected request', () => {
    expect(results.created).toHaveLength(0);
  });
});

describe('POST /api/analyze accepts a valid request', () => {
  it('creates the analysis with results, queues analysis.start and answers 202', async () => {
    const response = await analyze(
      { prompt: '  Why is the sky blue?  ', models: ['mock:alpha', 'mock:beta'] },
      { 'x-request-id': 'req-analyze-1' },
    );

    expect(response.status).toBe(202);
    const { id } = response.body;
    expect(response.body).toEqual({ id, status: 'queued', links: { self: `/api/analyses/${id}` } });

    expect(results.lastRequest('POST', '/internal/analyses')?.headers['x-request-id']).toBe('req-analyze-1');
    const command = results.created.at(-1);
    const confidence = (await get<{ spec: PatternSpec }>('/api/patterns/confidence')).body.spec;
    expect(command).toEqual({
      id,
      userId: expect.any(String),
      requestId: 'req-analyze-1',
      prompt: 'Why is the sky blue?',
      models: ['mock:alpha', 'mock:beta'],
      ultraModel: 'mock:alpha',
      pattern: 'confidence',
      patternSpec: confidence,
      params: {},
      options: {},
    });

    const job = await queue.getJob(id);
    expect(job?.name).toBe('analysis.start');
    expect(job?.opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential' } });
    const data: AnalysisStartJob = analysisStartJob.parse(job?.data);
    expect(data).toEqual({
      schemaVersion: 2,
      analysisId: id,
      requestId: 'req-analyze-1',
      spec: {
        prompt: 'Why is the sky blue?',
        models: ['mock:alpha', 'mock:beta'],
        ultraModel: 'mock:alpha',
        pattern: 'confidence',
        patternSpec: confidence,
        params: {},
        options: {},
        userId: command!.userId,
      },
    });
  });

  it('uses the id it echoes as the requestId when the caller sends none', async () => {
    const response = await analyze({ prompt: 'q', models: ['mock:alpha'] });
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toEqual(expect.any(String));
    expect((await queue.getJob(response.body.id))?.data).toMatchObject({ requestId });
    expect(results.created.at(-1)).toMatchObject({ requestId });
    expect(results.lastRequest('POST', '/internal/analyses')?.headers['x-request-id']).toBe(requestId);
  });

  it('keeps an explicit ultra model and pattern', async () => {
    const response = await analyze({
      prompt: 'q',
      models: ['mock:alpha', 'mock:beta'],
      ultraModel: 'mock:beta',
      pattern: 'critique',
    });
    expect(response.status).toBe(202);
    const job = await queue.getJob(response.body.id);
    expect(job?.data).toMatchObject({ spec: { ultraModel: 'mock:beta', pattern: 'critique' } });
  });

  it('passes params and options to results and the job', async () => {
    const options = { temperature: 0.3, maxOutputTokens: 500, quorum: 1, stageTimeoutMs: 30_000 };
    const response = await analyze({
      prompt: 'q',
      models: ['mock:alpha', 'mock:beta'],
      pattern: 'moa',
      params: { layers: 3 },
      options,
    });
    expect(response.status).toBe(202);
    expect(results.created.at(-1)).toMatchObject({ pattern: 'moa', params: { layers: 3 }, options });
    const job = analysisStartJob.parse((await queue.getJob(response.body.id))?.data);
    expect(job.spec).toMatchObject({ pattern: 'moa', patternSpec: { id: 'moa' }, params: { layers: 3 }, options });
  });

  it('starts an analysis within maxCostUsd (mock models cost nothing)', async () => {
    const response = await analyze({ prompt: 'q', models: ['mock:alpha'], maxCostUsd: 0 });
    expect(response.status).toBe(202);
  });

  it('refuses with 400 budget_exceeded when the high estimate is above maxCostUsd, and records nothing', async () => {
    const before = results.created.length;
    const body = { prompt: 'q', models: ['mock:alpha', 'anthropic:claude-opus-4-5'], maxCostUsd: 0.0001 };
    const response = await jsonRequest<
      ApiErrorBody & { error: { details: { maxCostUsd: number; estimate: AnalysisEstimate } } }
    >(gateway.url, 'POST', '/api/analyze', { body, token: alice });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('budget_exceeded');
    expect(response.body.error.message).toContain('above maxCostUsd $0.0001');
    const { maxCostUsd, estimate } = response.body.error.details;
    expect(maxCostUsd).toBe(0.0001);
    expect(estimate.total.costUsd.high).toBeGreaterThan(0.0001);
    expect(estimate.pattern).toBe('confidence');
    expect(results.created).toHaveLength(before);
  });

  it('answers 503 when results fails, and queues nothing', async () => {
    const waiting = await queue.getJobCounts('waiting');
    results.failWith(500);
    try {
      const response = await analyze({ prompt: 'q', models: ['mock:alpha'] });
      expect(response.status).toBe(503);
      expect(response.body.error.code).toBe('service_unavailable');
    } finally {
      results.failWith(null);
    }
    expect(await queue.getJobCounts('waiting')).toEqual(waiting);
  });
});

describe('GET /api/analyses', () => {
  it('proxies an analysis to its owner and hides it from everyone else', async () => {
    const { body } = await analyze({ prompt: 'mine', models: ['mock:alpha'] });
    const own = await get<{ id: string; prompt: string }>(`/api/analyses/${body.id}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: body.id, prompt: 'mine', status: 'queued' });
    expect(results.lastRequest('GET', `/internal/analyses/${body.id}`)?.headers['x-request-id']).toBe(
      own.headers.get('x-request-id'),
    );

    const other = await get(`/api/analyses/${body.id}`, bob);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('analysis_not_found');
  });

  it.each([
    ['an unknown id', '6f1c1d7e-2f4b-4c55-9d0a-3b1e6b0c9a11'],
    ['a malformed id', 'not-a-uuid'],
  ])('answers 404 for %s', async (_case, id) => {
    const response = await get(`/api/analyses/${id}`);
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('analysis_not_found');
  });

  it('asks results under the caller’s request id', async () => {
    const { body } = await analyze({ prompt: 'traced', models: ['mock:alpha'] });
    const read = await get(`/api/analyses/${body.id}`, alice, { 'x-request-id': 'req-read-1' });
    expect(read.status).toBe(200);
    expect(results.lastRequest('GET', `/internal/analyses/${body.id}`)?.headers['x-request-id']).toBe('req-read-1');

    await get('/api/analyses?limit=5', alice, { 'x-request-id': 'req-list-1' });
    expect(results.lastRequest('GET', '/internal/analyses')?.headers['x-request-id']).toBe('req-list-1');
  });

  it('lists only the caller’s analyses', async () => {
    const mine = await get<{ analyses: { id: string }[]; nextCursor: string | null }>('/api/analyses?limit=50');
    expect(mine.status).toBe(200);
    expect(mine.body.analyses.length).toBeGreaterThan(0);
    expect(mine.body.nextCursor).toBeNull();
    const theirs = await get<{ analyses: unknown[] }>('/api/analyses', bob);
    expect(theirs.body.analyses).toEqual([]);
  });

  it('passes results’ 400 for a bad limit through', async () => {
    const response = await get('/api/analyses?limit=0');
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('limit') });
    expect(response.body.error.details).toEqual([expect.objectContaining({ path: 'limit' })]);
  });

  it('rejects a limit given twice', async () => {
    const response = await get('/api/analyses?limit=1&limit=2');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
  });
});

describe('user-defined patterns in POST /api/analyze', () => {
  it('runs a pattern registered through the API: the job carries its document', async () => {
    const created = await jsonRequest<{ spec: PatternSpec }>(gateway.url, 'POST', '/api/patterns', {
      body: patternDocument(),
      token: alice,
    });
    expect(created.status).toBe(201);
    const response = await analyze({
      prompt: 'q',
      models: ['mock:alpha'],
      pattern: 'brainstorm',
      params: { rounds: 2 },
    });
    expect(response.status).toBe(202);
    const job = analysisStartJob.parse((await queue.getJob(response.body.id))?.data);
    expect(job.spec).toMatchObject({ pattern: 'brainstorm', patternSpec: created.body.spec, params: { rounds: 2 } });
    expect(results.created.at(-1)).toMatchObject({ pattern: 'brainstorm', patternSpec: created.body.spec });
  });

  it('is unknown to other users', async () => {
    const response = await jsonRequest<ApiErrorBody>(gateway.url, 'POST', '/api/analyze', {
      body: { prompt: 'q', models: ['mock:alpha'], pattern: 'brainstorm' },
      token: bob,
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('unknown_pattern');
  });
});

describe('POST /api/analyses/:id/rerun', () => {
  type RerunReply = AnalyzeAccepted & { sourceAnalysisId: string } & ApiErrorBody;
  const rerun = (id: string, body: unknown, token = alice) =>
    jsonRequest<RerunReply>(gateway.url, 'POST', `/api/analyses/${id}/rerun`, { body, token });
  const output = (model: string, status: 'completed' | 'failed' = 'completed') => ({
    model,
    sample: 0,
    status,
    text: status === 'completed' ? `${model} says hi` : null,
  });
  const run = (index: number, stage: string, outputs: ReturnType<typeof output>[], round = 1): StageRun => ({
    index,
    stage,
    kind: 'generate',
    round,
    outputs,
  });
  /** moa with layers 2: propose, one refine layer, and a final aggregation that failed for the ultra model. */
  const runs = [
    run(0, 'propose', [output('mock:alpha'), output('mock:beta')]),
    run(1, 'refine', [output('mock:alpha'), output('mock:beta')]),
    run(2, 'final', [output('mock:alpha', 'failed')]),
    run(3, 'final', [output('mock:beta')]),
  ];
  let sourceId: string;

  beforeAll(async () => {
    const response = await analyze({
      prompt: 'Explain tides',
      models: ['mock:alpha', 'mock:beta'],
      pattern: 'moa',
      options: { temperature: 0.4 },
    });
    sourceId = response.body.id;
    // The pattern as the source ran it, unlike today's file: a rerun must use this one.
    const stored = results.created.find((c) => c.id === sourceId)!;
    stored.patternSpec = { ...(stored.patternSpec as PatternSpec), name: 'MoA as it ran' };
  });

  it.each(['queued', 'running'] as const)('answers 409 rerun_not_possible while the source is %s', async (status) => {
    results.advance(sourceId, { status, runs: runs.slice(0, 1) });
    const response = await rerun(sourceId, { fromStage: 'final' });
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'rerun_not_possible', message: expect.stringContaining(status) });
  });

  it('starts a new analysis linked to its source that reuses the runs before fromStage', async () => {
    results.advance(sourceId, { status: 'completed', runs });
    const response = await rerun(sourceId, { fromStage: 'final', ultraModel: 'mock:beta' }, alice);
    expect(response.status).toBe(202);
    const { id } = response.body;
    expect(response.body).toEqual({
      id,
      status: 'queued',
      links: { self: `/api/analyses/${id}` },
      sourceAnalysisId: sourceId,
    });
    expect(id).not.toBe(sourceId);

    const command = results.created.at(-1);
    expect(command).toMatchObject({
      id,
      prompt: 'Explain tides',
      models: ['mock:alpha', 'mock:beta'],
      ultraModel: 'mock:beta',
      pattern: 'moa',
      patternSpec: { id: 'moa', name: 'MoA as it ran' },
      params: { layers: 2 },
      options: { temperature: 0.4 },
      sourceAnalysisId: sourceId,
    });
    const job = analysisStartJob.parse((await queue.getJob(id))?.data);
    expect(job.spec).toMatchObject({
      ultraModel: 'mock:beta',
      patternSpec: { name: 'MoA as it ran' },
      params: { layers: 2 },
      options: { temperature: 0.4 },
    });
    expect(job.spec.reuse).toEqual({ sourceAnalysisId: sourceId, runs: runs.slice(0, 2) });
  });

  it('keeps the source’s ultra model and overrides its params when asked', async () => {
    const response = await rerun(sourceId, { fromStage: 'refine', params: { layers: 3 } });
    expect(response.status).toBe(202);
    const job = analysisStartJob.parse((await queue.getJob(response.body.id))?.data);
    expect(job.spec).toMatchObject({ ultraModel: 'mock:alpha', params: { layers: 3 } });
    expect(job.spec.reuse?.runs.map((r) => r.index)).toEqual([0]);
  });

  it('reuses every run of the earlier stages when fromStage never ran', async () => {
    results.advance(sourceId, { status: 'failed', runs: runs.slice(0, 1) });
    const response = await rerun(sourceId, { fromStage: 'final' });
    expect(response.status).toBe(202);
    const job = analysisStartJob.parse((await queue.getJob(response.body.id))?.data);
    expect(job.spec.reuse?.runs).toEqual(runs.slice(0, 1));
  });

  it.each([
    [{}, 'fromStage', 'fromStage is required'],
    [{ fromStage: 'chair' }, 'fromStage', 'its stages are "propose", "refine", "final"'],
    [{ fromStage: 'final', ultraModel: 'mock:gamma' }, 'ultraModel', '"mock:gamma" is not among'],
    [{ fromStage: 'final', params: { layers: 9 } }, 'params.layers', 'layers must be between 1 and 4'],
    [{ fromStage: 'final', params: { depth: 1 } }, 'params.depth', 'has no parameter "depth"'],
    [{ fromStage: 'final', extra: true }, 'body', 'extra'],
  ])('answers 400 validation_failed for %j', async (body, path, message) => {
    const response = await rerun(sourceId, body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.message).toContain(message);
    expect(response.body.error.details).toEqual([expect.objectContaining({ path })]);
  });

  it('answers 404 for another user’s analysis, an unknown one and a malformed id', async () => {
    for (const [id, token] of [
      [sourceId, bob],
      ['6f1c1d7e-2f4b-4c55-9d0a-3b1e6b0c9a11', alice],
      ['not-a-uuid', alice],
    ]) {
      const response = await rerun(id, { fromStage: 'final' }, token);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('analysis_not_found');
    }
  });
});

describe('when results is unreachable', () => {
  beforeAll(() => results.server.close());

  it('answers 503 to analyze and to reads', async () => {
    const created = await analyze({ prompt: 'q', models: ['mock:alpha'] });
    expect(created.status).toBe(503);
    expect(created.body.error.code).toBe('service_unavailable');
    const read = await get('/api/analyses');
    expect(read.status).toBe(503);
  });
});
