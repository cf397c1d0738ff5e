import { type AnalysisEstimate, type ApiErrorBody } from '@ultra/contracts';
import { ApiClient } from '../../../../test/support/api';
import { jsonRequest } from '../../../../test/support/http';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';

let gateway: GatewayTestApp;
let token: string;

const estimate = (body: unknown, as = token) =>
  jsonRequest<AnalysisEstimate & ApiErrorBody>(gateway.url, 'POST', '/api/analyze/estimate', { body, token: as });

beforeAll(async () => {
  gateway = await startGatewayTestApp();
  token = (await new ApiClient(gateway.url).registerUser()).token!;
});

afterAll(async () => {
  await gateway?.close();
});

describe('POST /api/analyze/estimate', () => {
  it('answers 200 with calls per stage, tokens and cost per model, and a duration', async () => {
    const res = await estimate({
      prompt: 'Should we rewrite the billing system?',
      models: ['mock:alpha', 'mock:beta', 'mock:gamma'],
      pattern: 'confidence',
      maxCostUsd: 0,
    });
    expect(res.status).toBe(200);
    expect(res.body.pattern).toBe('confidence');
    expect(res.body.stages.map((s) => [s.id, s.calls])).toEqual([
      ['initial', 3],
      ['meta', 3],
      ['agreement', 0],
      ['hyper', 3],
      ['ultra', 1],
    ]);
    expect(res.body.calls).toBe(10);
    expect(res.body.models.map((m) => m.model)).toEqual(['mock:alpha', 'mock:beta', 'mock:gamma']);
    expect(res.body.total.costUsd).toEqual({ low: 0, high: 0 });
    expect(res.body.expectedDurationS.low).toBeGreaterThan(0);
    expect(res.body.assumptions.length).toBeGreaterThan(5);
  });

  it.each([
    ['an empty prompt', { prompt: '', models: ['mock:alpha'] }, 'validation_failed'],
    ['an unknown model', { prompt: 'q', models: ['mock:nope'] }, 'unknown_model'],
    ['an unknown pattern', { prompt: 'q', models: ['mock:alpha'], pattern: 'nope' }, 'unknown_pattern'],
  ])('refuses %s as analyze does', async (_, body, code) => {
    const res = await estimate(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
  });

  it('needs a signed-in caller', async () => {
    expect((await estimate({ prompt: 'q', models: ['mock:alpha'] }, '')).status).toBe(401);
  });
});
