import { getQueueToken } from '@nestjs/bullmq';
import { type AnalyzeAccepted, type ApiErrorBody, QueueName } from '@ultra/contracts';
import type { Queue } from 'bullmq';
import { jsonRequest } from '../../../../test/support/http';
import { ApiClient } from '../../../../test/support/api';
import { type FakeResults, startFakeResults } from '../testing/fake-results';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';

let gateway: GatewayTestApp;
let results: FakeResults;
let token: string;

beforeAll(async () => {
  results = await startFakeResults();
  gateway = await startGatewayTestApp({ RESULTS_URL: results.server.url });
  token = (await new ApiClient(gateway.url).registerUser()).token!;
  // The gateway's own connection to the analyses queue is dropped, so adding analysis.start fails as with Redis
  // down, while results (the fake) still answers.
  await gateway.app.get<Queue>(getQueueToken(QueueName.Analyses)).disconnect();
});

afterAll(async () => {
  await gateway?.close();
  await results?.server.close();
});

describe('POST /api/analyze when the job queue is unreachable', () => {
  it('answers 503 naming the queue and deletes the analysis it created with results', async () => {
    const response = await jsonRequest<AnalyzeAccepted & ApiErrorBody>(gateway.url, 'POST', '/api/analyze', {
      body: { prompt: 'never queued', models: ['mock:alpha'] },
      token,
      headers: { 'x-request-id': 'req-down' },
    });
    expect(response.status).toBe(503);
    expect(response.body.error).toEqual({ code: 'service_unavailable', message: expect.stringContaining('queue') });

    const command = results.created.at(-1)!;
    expect(command).toMatchObject({ prompt: 'never queued', requestId: 'req-down' });
    expect(results.deleted).toEqual([command.id]);
    const deletion = results.lastRequest('DELETE', `/internal/analyses/${command.id}`);
    expect(deletion?.url.searchParams.get('userId')).toBe(command.userId);
    expect(deletion?.headers['x-request-id']).toBe('req-down');
  });

  it('no longer shows the analysis it could not queue', async () => {
    const command = results.created.at(-1)!;
    const read = await jsonRequest<ApiErrorBody>(gateway.url, 'GET', `/api/analyses/${command.id}`, { token });
    expect(read.status).toBe(404);
    const listed = await jsonRequest<{ analyses: unknown[] }>(gateway.url, 'GET', '/api/analyses', { token });
    expect(listed.body.analyses).toEqual([]);
  });
});
