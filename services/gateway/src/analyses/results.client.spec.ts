import { Logger } from '@nestjs/common';
import { type FakeJsonServer, type FakeReply, startFakeJsonServer } from '../../../../test/support/http';
import { gatewayConfig } from '../config/gateway.config';
import { analysisSpec } from '../testing/test-patterns';
import { ResultsClient } from './results.client';

let server: FakeJsonServer;
let reply: FakeReply;
let client: ResultsClient;
const command = {
  id: '0b9f2a4e-8a57-4c2e-9c3f-6f1d2b3c4d5e',
  userId: 'f5b0c8f4-1d0e-4c59-8d7a-1f2e3d4c5b6a',
  requestId: 'req-1',
  ...analysisSpec(),
};

beforeAll(async () => {
  server = await startFakeJsonServer(() => reply);
  client = new ResultsClient(
    gatewayConfig.parse({ DATABASE_URL: 'postgres://u@localhost/db', RESULTS_URL: `${server.url}/` }),
  );
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
});

afterAll(async () => {
  jest.restoreAllMocks();
  await server.close();
});

describe('ResultsClient', () => {
  it('posts the CreateAnalysisCommand as JSON under its request id', async () => {
    reply = { status: 201, body: { id: command.id } };
    await client.createAnalysis(command);
    const request = server.requests.at(-1);
    expect(request).toMatchObject({ method: 'POST', body: command });
    expect(request?.url.pathname).toBe('/internal/analyses');
    expect(request?.headers['x-request-id']).toBe('req-1');
  });

  it('treats a 4xx on create as a bug of ours, not the caller’s or a 503', async () => {
    reply = { status: 422, body: { error: 'nope' } };
    await expect(client.createAnalysis(command)).rejects.toThrow('HTTP 422');
  });

  it('asks for an analysis on behalf of its user and maps 404 to null', async () => {
    reply = { status: 404, body: { error: { code: 'analysis_not_found', message: 'x' } } };
    await expect(client.getAnalysis(command.id, command.userId, 'req-get')).resolves.toBeNull();
    expect(server.requests.at(-1)?.url.searchParams.get('userId')).toBe(command.userId);
    expect(server.requests.at(-1)?.headers['x-request-id']).toBe('req-get');
  });

  it('forwards limit and cursor only when given, with the request id', async () => {
    reply = { status: 200, body: { analyses: [], nextCursor: null } };
    await client.listAnalyses(command.userId, { limit: '5' }, 'req-list');
    expect(Object.fromEntries(server.requests.at(-1)?.url.searchParams ?? [])).toEqual({
      userId: command.userId,
      limit: '5',
    });
    expect(server.requests.at(-1)?.headers['x-request-id']).toBe('req-list');
  });

  it('reads a rerun’s source on behalf of its user, and maps 404 to null', async () => {
    const source = { id: command.id, status: 'completed', runs: [] };
    reply = { status: 200, body: source };
    await expect(client.getAnalysisSource(command.id, command.userId, 'req-src')).resolves.toEqual(source);
    const request = server.requests.at(-1);
    expect(request?.url.pathname).toBe(`/internal/analyses/${command.id}/source`);
    expect(request?.url.searchParams.get('userId')).toBe(command.userId);
    expect(request?.headers['x-request-id']).toBe('req-src');

    reply = { status: 404, body: { error: { code: 'analysis_not_found', message: 'x' } } };
    await expect(client.getAnalysisSource(command.id, command.userId, 'req-src')).resolves.toBeNull();
  });

  it('deletes a queued analysis on behalf of its user', async () => {
    reply = { status: 204 };
    await client.deleteQueuedAnalysis(command.id, command.userId, 'req-del');
    const request = server.requests.at(-1);
    expect(request?.method).toBe('DELETE');
    expect(request?.url.pathname).toBe(`/internal/analyses/${command.id}`);
    expect(request?.url.searchParams.get('userId')).toBe(command.userId);
    expect(request?.headers['x-request-id']).toBe('req-del');
  });

  it('reports a refused delete (e.g. 409 once the analysis runs) as an error', async () => {
    reply = { status: 409, body: { error: { code: 'analysis_not_queued', message: 'running' } } };
    await expect(client.deleteQueuedAnalysis(command.id, command.userId, 'req-del')).rejects.toThrow('HTTP 409');
  });

  it('forwards the history filters exactly as the caller sent them', async () => {
    reply = { status: 200, body: { analyses: [], nextCursor: null } };
    const filters = { status: 'queued,running', pattern: 'critique', model: 'mock:alpha', from: '2025-01-01' };
    await client.listAnalyses(command.userId, { ...filters, to: '2025-01-02T10:00:00Z', q: '"a b" -c' }, 'req-list');
    expect(Object.fromEntries(server.requests.at(-1)?.url.searchParams ?? [])).toEqual({
      userId: command.userId,
      ...filters,
      to: '2025-01-02T10:00:00Z',
      q: '"a b" -c',
    });
  });

  it('deletes in a mode, passing results’ 409 analysis_running and 404 on as they are', async () => {
    reply = { status: 204 };
    await client.deleteAnalysis(command.id, command.userId, 'any', 'req-del');
    const request = server.requests.at(-1);
    expect(request?.method).toBe('DELETE');
    expect(Object.fromEntries(request?.url.searchParams ?? [])).toEqual({ userId: command.userId, mode: 'any' });

    reply = { status: 409, body: { error: { code: 'analysis_running', message: 'analysis x is running' } } };
    await expect(client.deleteAnalysis(command.id, command.userId, 'ended', 'r')).rejects.toMatchObject({
      code: 'analysis_running',
      message: 'analysis x is running',
    });
    reply = { status: 404, body: { error: { code: 'analysis_not_found', message: 'analysis x not found' } } };
    await expect(client.deleteAnalysis(command.id, command.userId, 'ended', 'r')).rejects.toMatchObject({
      code: 'analysis_not_found',
    });
  });

  it('turns an unreadable 400 into validation_failed', async () => {
    reply = { status: 400, body: 'not json at all' };
    await expect(client.listAnalyses(command.userId, { cursor: 'x' }, 'req-1')).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it.each([500, 502, 503])('turns HTTP %i into 503 service_unavailable', async (status) => {
    reply = { status };
    await expect(client.getAnalysis(command.id, command.userId, 'req-1')).rejects.toMatchObject({
      code: 'service_unavailable',
    });
  });
});
