import { type AnalyzeAccepted, type ApiErrorBody, QueueName } from '@ultra/contracts';
import { redisOptionsFromUrl } from '@ultra/platform';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ApiClient } from '../../../../test/support/api';
import { type FakeResults, startFakeResults } from '../testing/fake-results';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';

let gateway: GatewayTestApp;
let results: FakeResults;
let queue: Queue;
let alice: ApiClient;
let bob: ApiClient;

beforeAll(async () => {
  results = await startFakeResults();
  gateway = await startGatewayTestApp({ RESULTS_URL: results.server.url, IDEMPOTENCY_TTL_S: '3600' });
  queue = new Queue(QueueName.Analyses, {
    connection: redisOptionsFromUrl(gateway.redis.url),
    prefix: gateway.redis.prefix,
  });
  alice = await new ApiClient(gateway.url).registerUser();
  bob = await new ApiClient(gateway.url).registerUser();
});

afterAll(async () => {
  await queue?.close();
  await gateway?.close();
  await results?.server.close();
});

type Answer = AnalyzeAccepted & ApiErrorBody;
const analyze = (user: ApiClient, key: string, body: unknown) =>
  user.request<Answer>('POST', '/api/analyze', body, { 'idempotency-key': key });
const created = () => results.created.length;

describe('POST /api/analyze with an Idempotency-Key', () => {
  it('answers a repeat with the first answer: the same analysis, status and body, created and queued once', async () => {
    const body = { prompt: 'Why is the sky blue?', models: ['mock:alpha', 'mock:beta'], options: { temperature: 1 } };
    const before = created();
    const first = await analyze(alice, 'sky-1', body);
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // The same request, its keys in another order.
    const again = await analyze(alice, 'sky-1', {
      options: { temperature: 1 },
      models: body.models,
      prompt: body.prompt,
    });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(created()).toBe(before + 1);
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: before + 1 });
  });

  it('refuses the same key with a different body: 422 idempotency_conflict, nothing created', async () => {
    const first = await analyze(alice, 'conflict-1', { prompt: 'first', models: ['mock:alpha'] });
    expect(first.status).toBe(202);
    const before = created();
    const other = await analyze(alice, 'conflict-1', { prompt: 'second', models: ['mock:alpha'] });
    expect(other.status).toBe(422);
    expect(other.body.error).toEqual({ code: 'idempotency_conflict', message: expect.stringContaining('different') });
    expect(created()).toBe(before);
  });

  it('creates one analysis for ten concurrent requests with one key, and gives all ten its answer', async () => {
    const before = created();
    const body = { prompt: 'Concurrent', models: ['mock:alpha'] };
    const answers = await Promise.all(Array.from({ length: 10 }, () => analyze(alice, 'burst-1', body)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(created()).toBe(before + 1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(9);
  });

  it('keeps keys per user: another user with the same key gets an analysis of their own', async () => {
    const body = { prompt: 'Mine', models: ['mock:alpha'] };
    const hers = await analyze(alice, 'shared-key', body);
    const his = await analyze(bob, 'shared-key', body);
    expect([hers.status, his.status]).toEqual([202, 202]);
    expect(his.body.id).not.toBe(hers.body.id);
    expect((await bob.request('GET', `/api/analyses/${his.body.id}`)).status).toBe(200);
    expect((await bob.request('GET', `/api/analyses/${hers.body.id}`)).status).toBe(404);
  });

  it('does not bind the key to a failed request: after a 400 or a 503 the key runs again', async () => {
    const invalid = await analyze(alice, 'retry-1', { prompt: '', models: ['mock:alpha'] });
    expect(invalid.status).toBe(400);
    results.failWith(500);
    let unavailable: Awaited<ReturnType<typeof analyze>>;
    try {
      unavailable = await analyze(alice, 'retry-1', { prompt: 'Fixed', models: ['mock:alpha'] });
    } finally {
      results.failWith(null);
    }
    expect(unavailable.status).toBe(503);
    const before = created();
    const fixed = await analyze(alice, 'retry-1', { prompt: 'Fixed', models: ['mock:alpha'] });
    expect(fixed.status).toBe(202);
    expect(created()).toBe(before + 1);
  });

  it('keeps the answer for IDEMPOTENCY_TTL_S', async () => {
    await analyze(alice, 'ttl-1', { prompt: 'Kept', models: ['mock:alpha'] });
    const redis = new Redis(gateway.redis.url);
    try {
      const keys = await redis.keys(`${gateway.redis.prefix}:idempotency:analyze:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const ttl = await redis.ttl(key);
        expect(ttl).toBeGreaterThan(3000);
        expect(ttl).toBeLessThanOrEqual(3600);
      }
    } finally {
      redis.disconnect();
    }
  });

  it.each([
    ['an empty key', ''],
    ['a key of 256 characters', 'k'.repeat(256)],
    ['a key with a tab', 'a\tb'],
  ])('refuses %s with 400 validation_failed naming the header, creating nothing', async (_case, key) => {
    const before = created();
    const response = await analyze(alice, key, { prompt: 'q', models: ['mock:alpha'] });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'headers.Idempotency-Key', message: expect.stringContaining('1 to 255 printable') }],
    });
    expect(created()).toBe(before);
  });

  it('changes nothing without the header: every request is a new analysis', async () => {
    const body = { prompt: 'No key', models: ['mock:alpha'] };
    const [a, b] = [
      await alice.request<Answer>('POST', '/api/analyze', body),
      await alice.request<Answer>('POST', '/api/analyze', body),
    ];
    expect(a.body.id).not.toBe(b.body.id);
  });
});

describe('POST /api/analyses/:id/rerun with an Idempotency-Key', () => {
  it('answers a repeat with the same rerun, and a rerun of another analysis with the key as a conflict', async () => {
    const [one, two] = [
      await alice.request<Answer>('POST', '/api/analyze', { prompt: 'One', models: ['mock:alpha'], pattern: 'direct' }),
      await alice.request<Answer>('POST', '/api/analyze', { prompt: 'Two', models: ['mock:alpha'], pattern: 'direct' }),
    ];
    results.advance(one.body.id, { status: 'completed' });
    results.advance(two.body.id, { status: 'completed' });
    const rerun = (id: string) =>
      alice.request<Answer>(
        'POST',
        `/api/analyses/${id}/rerun`,
        { fromStage: 'answer' },
        { 'idempotency-key': 'rr-1' },
      );
    const first = await rerun(one.body.id);
    expect(first.status).toBe(202);
    expect((await rerun(one.body.id)).body).toEqual(first.body);
    expect((await rerun(two.body.id)).status).toBe(422);
  });
});
