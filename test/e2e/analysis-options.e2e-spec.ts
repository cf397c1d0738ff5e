import type { AnalyzeAccepted } from '@ultra/contracts';
import { FakeOpenAiServer } from '@ultra/fake-llm';
import { ApiClient } from '../support/api';
import { TestStack } from '../support/stack';

const models = ['openai:gpt-4o-mini', 'openai:gpt-4.1', 'openai:gpt-4o'];
type ChatBody = { model: string; temperature?: number; max_completion_tokens?: number; max_tokens?: number };

describe('per-analysis options and parameters reach the vendor, through every service', () => {
  const openai = new FakeOpenAiServer();
  let stack: TestStack;
  let user: ApiClient;
  /** Models the fake vendor answers slowly (5 s), to meet a stage time limit. */
  const slow = new Set<string>();

  beforeAll(async () => {
    await openai.listen(0);
    openai.reply((req) => {
      const model = (req.body as ChatBody).model;
      return { text: `${model} answers.`, latencyMs: slow.has(model) ? 5_000 : 0 };
    });
    stack = await TestStack.start({
      workers: 1,
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${openai.url}/v1`, MODEL_CALL_BACKOFF_MS: '50' },
    });
    user = await new ApiClient(stack.baseUrl).registerUser();
  });

  afterAll(async () => {
    await stack?.stop();
    await openai.close();
  });

  async function analyze(body: Record<string, unknown>) {
    const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', { models, ...body });
    expect(accepted.status).toBe(202);
    return user.waitForAnalysis(accepted.body.id, 30_000);
  }

  it('sends the request’s temperature and output limit with every call', async () => {
    openai.requests.length = 0;
    const view = await analyze({
      prompt: 'Hot or cold?',
      pattern: 'critique',
      options: { temperature: 0.3, maxOutputTokens: 77 },
    });
    expect(view.status).toBe('completed');
    expect(view.options).toEqual({ temperature: 0.3, maxOutputTokens: 77 });
    const bodies = openai.requests.map((r) => r.body as ChatBody);
    expect(bodies).toHaveLength(10);
    for (const body of bodies) {
      expect(body.temperature).toBe(0.3);
      expect(body.max_completion_tokens ?? body.max_tokens).toBe(77);
    }
  });

  it('runs a pattern’s parameters: three moa layers make three rounds of calls', async () => {
    openai.requests.length = 0;
    const view = await analyze({ prompt: 'Layers', pattern: 'moa', params: { layers: 3 }, cache: false });
    expect(view).toMatchObject({ status: 'completed', params: { layers: 3 }, options: { cache: false } });
    expect(openai.requests).toHaveLength(3 * 3 + 1);
  });

  it('answers a call it has answered before from the response cache: marked, free, and not sent', async () => {
    // The fake answers each model the same way, so moa's third layer asks exactly what its second asked.
    openai.requests.length = 0;
    const view = await analyze({ prompt: 'Layers again', pattern: 'moa', params: { layers: 3 } });
    expect(view.status).toBe('completed');
    expect(openai.requests).toHaveLength(3 * 2 + 1);
    const [first, second, third] = view.stages.filter((s) => s.kind === 'generate');
    expect(first.outputs.every((o) => !o.cached)).toBe(true);
    expect(second.outputs.every((o) => !o.cached)).toBe(true);
    expect(third.outputs.map((o) => o.cached)).toEqual([true, true, true]);
    expect(third.outputs.map((o) => o.text)).toEqual(second.outputs.map((o) => o.text));
    expect(third.usage.costUsd).toBe(0);
    expect(second.usage.costUsd).toBeGreaterThan(0);
  });

  it('aborts the calls of a stage that runs past stageTimeoutMs, as timeouts, and goes on with the rest', async () => {
    slow.add('gpt-4o');
    try {
      const started = Date.now();
      const view = await analyze({ prompt: 'Be quick', pattern: 'critique', options: { stageTimeoutMs: 1_000 } });
      expect(Date.now() - started).toBeLessThan(4_500);
      expect(view.status).toBe('completed');
      const late = view.stages[0].outputs.find((o) => o.model === 'openai:gpt-4o')!;
      expect(late).toMatchObject({
        status: 'failed',
        error: { category: 'timeout', message: expect.stringContaining('openai:gpt-4o') },
      });
      expect(view.stages[1].outputs.map((o) => o.model)).toEqual(['openai:gpt-4o-mini', 'openai:gpt-4.1']);
    } finally {
      slow.delete('gpt-4o');
    }
  });

  it('fails with quorum_not_met, naming the models, when fewer outputs than the quorum complete', async () => {
    slow.add('gpt-4o');
    slow.add('gpt-4.1');
    try {
      const view = await analyze({
        prompt: 'Quorum',
        pattern: 'critique',
        options: { quorum: 2, stageTimeoutMs: 1_000 },
      });
      expect(view.status).toBe('failed');
      expect(view.error).toEqual({
        code: 'quorum_not_met',
        message: expect.stringMatching(/stage initial completed 1 of 3 outputs.*openai:gpt-4\.1 \(timeout\)/),
      });
    } finally {
      slow.clear();
    }
  });

  it('refuses parameters and options the pattern does not allow, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ pattern: 'moa', params: { layers: 9 } }, 'params.layers'],
      [{ pattern: 'moa', params: { rounds: 2 } }, 'params.rounds'],
      [{ pattern: 'moa', params: { layers: 'three' } }, 'params.layers'],
      [{ pattern: 'critique', options: { temperature: 5 } }, 'options.temperature'],
      [{ pattern: 'critique', options: { verbose: true } }, 'options'],
    ];
    for (const [body, path] of cases) {
      const res = await user.request<{ error: { code: string; details: { path: string }[] } }>('POST', '/api/analyze', {
        prompt: 'q',
        models,
        ...body,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d) => d.path)).toContain(path);
    }
  });
});
