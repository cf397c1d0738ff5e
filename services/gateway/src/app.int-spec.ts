import type { ApiErrorBody, ModelInfo, PatternInfo } from '@ultra/contracts';
import { jsonRequest } from '../../../test/support/http';
import { ApiClient } from '../../../test/support/api';
import { type GatewayTestApp, startGatewayTestApp } from './testing/gateway-test-app';

let gateway: GatewayTestApp;
let token: string;

beforeAll(async () => {
  gateway = await startGatewayTestApp();
  token = (await new ApiClient(gateway.url).registerUser()).token!;
});

afterAll(async () => {
  await gateway?.close();
});

describe('GET /api/health', () => {
  it('is public, reports Redis and the database up, and is 503 naming the services that have no instance', async () => {
    // A gateway alone: no orchestrator, worker or results writes a heartbeat (test/e2e/health-aggregate has them).
    const response = await jsonRequest(gateway.url, 'GET', '/api/health');
    expect(response.status).toBe(503);
    const missing = { status: 'missing', ready: 0, instances: [] };
    expect(response.body).toEqual({
      status: 'error',
      checks: { redis: 'up', database: 'up' },
      services: {
        orchestrator: missing,
        'provider-worker': missing,
        results: missing,
        gateway: expect.objectContaining({ instances: [expect.objectContaining({ instance: expect.any(String) })] }),
      },
    });
  });
});

describe('GET /api/available-models', () => {
  it('lists the whole catalog: mock models ready, every other provider needs a key', async () => {
    const response = await jsonRequest<{ models: ModelInfo[] }>(gateway.url, 'GET', '/api/available-models', { token });
    expect(response.status).toBe(200);
    const { models } = response.body;
    expect(models.find((m) => m.id === 'mock:alpha')).toEqual({
      id: 'mock:alpha',
      provider: 'mock',
      name: 'alpha',
      displayName: 'Mock Alpha (concise analyst)',
      status: 'ready',
      // From the catalog (config/models.json), in order.
      fallbacks: expect.any(Array),
      pricing: { inputPerMTok: 0, outputPerMTok: 0 },
    });
    expect(models.find((m) => m.id === 'openai:gpt-4o')?.pricing).toEqual({ inputPerMTok: 2.5, outputPerMTok: 10 });
    expect(models.find((m) => m.id === 'openai:gpt-4o')).toMatchObject({ provider: 'openai', status: 'needs_key' });
    for (const model of models) expect(model.status).toBe(model.provider === 'mock' ? 'ready' : 'needs_key');
  });

  it('needs an access token', async () => {
    const response = await jsonRequest<ApiErrorBody>(gateway.url, 'GET', '/api/available-models');
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthorized');
  });
});

describe('GET /api/patterns', () => {
  it('lists the built-in patterns with their parameters and stages', async () => {
    const response = await jsonRequest<{ patterns: PatternInfo[] }>(gateway.url, 'GET', '/api/patterns', { token });
    expect(response.status).toBe(200);
    const { patterns } = response.body;
    expect(patterns.map((p) => p.id)).toEqual(
      expect.arrayContaining(['confidence', 'critique', 'council', 'moa', 'debate', 'self_moa', 'vote', 'direct']),
    );
    expect(patterns.length).toBeGreaterThanOrEqual(17);
    for (const pattern of patterns) {
      expect(pattern).toMatchObject({ source: 'builtin', name: expect.any(String), description: expect.any(String) });
      expect(pattern.stages.length).toBeGreaterThan(0);
    }
    expect(patterns.find((p) => p.id === 'confidence')?.stages.map((s) => s.id)).toEqual(
      expect.arrayContaining(['initial', 'meta', 'hyper', 'ultra']),
    );
    expect(patterns.find((p) => p.id === 'moa')).toMatchObject({
      params: { layers: { type: 'integer', default: 2, min: 1, max: 4, description: expect.any(String) } },
      stages: expect.arrayContaining([
        { id: 'propose', label: expect.any(String), kind: 'generate', description: expect.any(String) },
      ]),
    });
  });

  it('needs an access token', async () => {
    const response = await jsonRequest<ApiErrorBody>(gateway.url, 'GET', '/api/patterns');
    expect(response.status).toBe(401);
  });
});

describe('errors', () => {
  it('answers an unknown route with 404 not_found', async () => {
    const response = await jsonRequest<ApiErrorBody>(gateway.url, 'GET', '/api/nothing-here', { token });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });

  it('answers a route outside /api with 404 not_found', async () => {
    const response = await jsonRequest<ApiErrorBody>(gateway.url, 'GET', '/health');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });

  it('answers a body over the limit with 413 payload_too_large', async () => {
    const response = await jsonRequest<ApiErrorBody>(gateway.url, 'POST', '/api/auth/login', {
      body: { email: 'a@example.com', password: 'x'.repeat(2_000_000) },
    });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
  });

  it('answers a form-encoded body with 415 unsupported_media_type', async () => {
    const response = await jsonRequest<ApiErrorBody>(gateway.url, 'POST', '/api/auth/login', {
      body: 'email=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('unsupported_media_type');
  });

  it('answers a badly encoded URL with 400 in the same error shape', async () => {
    const response = await jsonRequest<ApiErrorBody>(gateway.url, 'GET', '/api/analyses/%ZZ');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { code: 'validation_failed', message: expect.any(String) } });
  });
});

describe('request ids', () => {
  it('echoes a caller’s x-request-id', async () => {
    const response = await jsonRequest(gateway.url, 'GET', '/api/health', { headers: { 'x-request-id': 'trace-42' } });
    expect(response.headers.get('x-request-id')).toBe('trace-42');
  });

  it('makes one when the caller sends none', async () => {
    const response = await jsonRequest(gateway.url, 'GET', '/api/health');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
