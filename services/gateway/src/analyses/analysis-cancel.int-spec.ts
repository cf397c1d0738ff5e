import { analysisCancelledKey, type AnalyzeAccepted, type ApiErrorBody, QueueName } from '@ultra/contracts';
import { redisOptionsFromUrl } from '@ultra/platform';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ApiClient } from '../../../../test/support/api';
import { jsonRequest } from '../../../../test/support/http';
import { type FakeResults, startFakeResults } from '../testing/fake-results';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';

let gateway: GatewayTestApp;
let results: FakeResults;
let resultsQueue: Queue;
let redis: Redis;
let token: string;

const CANCEL_GRACE_MS = 45_000;

beforeAll(async () => {
  results = await startFakeResults();
  gateway = await startGatewayTestApp({ RESULTS_URL: results.server.url, CANCEL_GRACE_MS: String(CANCEL_GRACE_MS) });
  resultsQueue = new Queue(QueueName.Results, {
    connection: redisOptionsFromUrl(gateway.redis.url),
    prefix: gateway.redis.prefix,
  });
  redis = new Redis(gateway.redis.url);
  token = (await new ApiClient(gateway.url).registerUser()).token!;
});

afterAll(async () => {
  redis?.disconnect();
  await resultsQueue?.close();
  await gateway?.close();
  await results?.server.close();
});

async function analyze(): Promise<string> {
  const res = await jsonRequest<AnalyzeAccepted>(gateway.url, 'POST', '/api/analyze', {
    body: { prompt: 'Cancel me', models: ['mock:alpha'] },
    token,
  });
  expect(res.status).toBe(202);
  return res.body.id;
}

const cancel = (id: string) =>
  jsonRequest<ApiErrorBody & { id: string; status: string }>(gateway.url, 'POST', `/api/analyses/${id}/cancel`, {
    token,
  });

describe('POST /api/analyses/:id/cancel', () => {
  it('marks the analysis cancelled and schedules analysis.terminate (code cancelled) after CANCEL_GRACE_MS', async () => {
    const id = await analyze();
    results.advance(id, { status: 'running' });
    const before = Date.now();
    expect(await cancel(id)).toMatchObject({ status: 202, body: { id, status: 'cancelling' } });

    expect(await redis.get(analysisCancelledKey(gateway.redis.prefix, id))).not.toBeNull();
    const job = await resultsQueue.getJob(`${id}_cancel`);
    expect(job).toBeDefined();
    expect(job!.name).toBe('analysis.terminate');
    expect(job!.data).toMatchObject({ analysisId: id, code: 'cancelled', message: 'the analysis was cancelled' });
    expect(await job!.getState()).toBe('delayed');
    expect(job!.opts.delay).toBe(CANCEL_GRACE_MS);
    expect(job!.timestamp + job!.opts.delay!).toBeGreaterThanOrEqual(before + CANCEL_GRACE_MS);
  });

  it('schedules one terminate however often the analysis is cancelled', async () => {
    const id = await analyze();
    await cancel(id);
    const first = await resultsQueue.getJob(`${id}_cancel`);
    expect((await cancel(id)).status).toBe(202);
    const again = await resultsQueue.getJob(`${id}_cancel`);
    expect(again!.timestamp).toBe(first!.timestamp);
    const delayed = await resultsQueue.getDelayed();
    expect(delayed.filter((j) => (j.data as { analysisId: string }).analysisId === id)).toHaveLength(1);
  });

  it('schedules nothing for an analysis that has ended', async () => {
    const id = await analyze();
    results.advance(id, { status: 'completed' });
    expect(await cancel(id)).toMatchObject({ status: 409, body: { error: { code: 'analysis_ended' } } });
    expect(await resultsQueue.getJob(`${id}_cancel`)).toBeUndefined();
  });
});
