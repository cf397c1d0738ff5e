import {
  type AnalysisStartJob,
  analysisStartJob,
  type AnalyzeAccepted,
  type ApiErrorBody,
  QueueName,
} from '@ultra/contracts';
import { redisOptionsFromUrl } from '@ultra/platform';
import { Queue } from 'bullmq';
import { jsonRequest } from '../../../../test/support/http';
import { ApiClient } from '../../../../test/support/api';
import { type FakeResults, startFakeResults } from '../testing/fake-results';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';

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
  gateway = await startGatewayTestApp({ RESULTS_URL: results.server.url, MAX_PROMPT_CHARS: '100' });
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
    expect(command).toEqual({
      id,
      userId: expect.any(String),
      requestId: 'req-analyze-1',
      prompt: 'Why is the sky blue?',
      models: ['mock:alpha', 'mock:beta'],
      ultraModel: 'mock:alpha',
      pattern: 'confidence',
    });

    const job = await queue.getJob(id);
    expect(job?.name).toBe('analysis.start');
    expect(job?.opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential' } });
    const data: AnalysisStartJob = analysisStartJob.parse(job?.data);
    expect(data).toEqual({
      schemaVersion: 1,
      analysisId: id,
      requestId: 'req-analyze-1',
      spec: {
        prompt: 'Why is the sky blue?',
        models: ['mock:alpha', 'mock:beta'],
        ultraModel: 'mock:alpha',
        pattern: 'confidence',
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
