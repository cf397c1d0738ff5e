import { randomUUID } from 'node:crypto';
import type { AnalyzeAccepted } from '@ultra/contracts';
import { ApiClient } from '../support/api';
import { TestStack } from '../support/stack';

describe('cancelling an analysis', () => {
  let stack: TestStack;
  let user: ApiClient;

  beforeAll(async () => {
    // Slow models, so the cancel lands while their calls are in flight: far slower than the cancel (20 s against
    // 0.5 s), so "aborted" and "waited for" stay apart on a loaded 2-core CI machine.
    stack = await TestStack.start({ workers: 1, env: { MOCK_LATENCY_MS: '20000' } });
    user = await new ApiClient(stack.baseUrl).registerUser();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('aborts the calls in flight and ends the analysis as failed with code cancelled', async () => {
    const started = Date.now();
    const res = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt: 'Never mind',
      models: ['mock:alpha', 'mock:beta'],
      pattern: 'critique',
    });
    await new Promise((r) => setTimeout(r, 500));
    const cancel = await user.request('POST', `/api/analyses/${res.body.id}/cancel`);
    expect(cancel).toMatchObject({ status: 202, body: { id: res.body.id, status: 'cancelling' } });

    const done = await user.waitForAnalysis(res.body.id, 30_000);
    // Well before the models' 20 s: their SDK calls were aborted, not waited for, and not retried.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'cancelled' }, result: null });
    for (const output of done.stages[0].outputs) {
      expect(output).toMatchObject({
        status: 'failed',
        error: { category: 'cancelled', message: expect.stringContaining('cancelled') },
      });
    }
    expect(done.stages.slice(1).map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped']);

    const again = await user.request('POST', `/api/analyses/${res.body.id}/cancel`);
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'analysis_ended' } } });
  });

  it('answers 404 for an unknown analysis or another user’s', async () => {
    expect((await user.request('POST', `/api/analyses/${randomUUID()}/cancel`)).status).toBe(404);
    const res = await user.request<AnalyzeAccepted>('POST', '/api/analyze', { prompt: 'Mine', models: ['mock:alpha'] });
    const other = await new ApiClient(stack.baseUrl).registerUser();
    expect((await other.request('POST', `/api/analyses/${res.body.id}/cancel`)).status).toBe(404);
    await user.request('POST', `/api/analyses/${res.body.id}/cancel`);
  });
});
