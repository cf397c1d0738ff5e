import type { AnalyzeAccepted } from '@ultra/contracts';
import { ApiClient } from '../support/api';
import { TestStack } from '../support/stack';

describe('analysis deadline', () => {
  let stack: TestStack;
  let user: ApiClient;

  beforeAll(async () => {
    // Models far slower than the whole analysis may take: the deadline must cut their calls short. The gap (1 s
    // against 20 s) keeps "aborted" and "waited for" apart on a loaded 2-core CI machine, where 4 s once ran out.
    stack = await TestStack.start({ workers: 1, env: { ANALYSIS_DEADLINE_MS: '1000', MOCK_LATENCY_MS: '20000' } });
    user = await new ApiClient(stack.baseUrl).registerUser();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('aborts the calls in flight when the deadline passes and fails the analysis, naming the cause', async () => {
    const started = Date.now();
    const res = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt: 'Too slow',
      models: ['mock:alpha', 'mock:beta'],
      pattern: 'critique',
    });
    const done = await user.waitForAnalysis(res.body.id, 30_000);
    // Well before the models' 20 s: the SDK calls were aborted, not waited for, and not retried.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(done.status).toBe('failed');
    expect(done.error).toEqual({ code: 'deadline_exceeded', message: expect.stringContaining('deadline') });
    expect(done.stages[0].outputs).toEqual([
      expect.objectContaining({
        model: 'mock:alpha',
        status: 'failed',
        error: { category: 'cancelled', message: expect.stringContaining('deadline') },
      }),
      expect.objectContaining({
        model: 'mock:beta',
        status: 'failed',
        error: { category: 'cancelled', message: expect.stringContaining('deadline') },
      }),
    ]);
    expect(done.stages.slice(1).map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped']);
  });
});
