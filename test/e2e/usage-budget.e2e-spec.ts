import type { AnalyzeAccepted, ApiErrorBody } from '@ultra/contracts';
import { FakeOpenAiServer } from '@ultra/fake-llm';
import { Redis } from 'ioredis';
import { ApiClient } from '../support/api';
import { TestStack } from '../support/stack';

const models = ['openai:gpt-4o-mini', 'openai:gpt-4.1'];
/** Below what one priced analysis costs, so a single analysis spends the day's budget. */
const DAILY_BUDGET_USD = 0.000001;

interface UsageReport {
  day: string;
  requests: number;
  analyses: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  limits: { tier: string; requestsPerMinute: number; analysesPerMinute: number; dailyBudgetUsd: number };
  resetsAt: string;
}

describe('daily usage and budget: results counts what each stored output cost, the gateway enforces it', () => {
  const openai = new FakeOpenAiServer();
  let stack: TestStack;
  let user: ApiClient;

  beforeAll(async () => {
    await openai.listen(0);
    openai.reply((req) => ({ text: `${(req.body as { model: string }).model} answers at some length.` }));
    stack = await TestStack.start({
      workers: 1,
      env: {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: `${openai.url}/v1`,
        // Polling an analysis to its end takes many requests.
        TIERS: JSON.stringify({ free: { requestsPerMinute: 5_000, dailyBudgetUsd: DAILY_BUDGET_USD } }),
      },
    });
    user = await new ApiClient(stack.baseUrl).registerUser();
  });

  afterAll(async () => {
    await stack?.stop();
    await openai.close();
  });

  it("reports a finished analysis' tokens and cost, then refuses the next analysis with 402", async () => {
    const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', { prompt: 'Priced?', models });
    expect(accepted.status).toBe(202);
    const view = await user.waitForAnalysis(accepted.body.id);
    expect(view.status).toBe('completed');
    expect(view.usage.costUsd).toBeGreaterThan(DAILY_BUDGET_USD);

    const usage = await user.request<UsageReport>('GET', '/api/users/me/usage');
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({
      analyses: 1,
      inputTokens: view.usage.inputTokens,
      outputTokens: view.usage.outputTokens,
      limits: { tier: 'free', dailyBudgetUsd: DAILY_BUDGET_USD },
    });
    expect(usage.body.costUsd).toBeCloseTo(view.usage.costUsd ?? 0, 9);
    expect(usage.body.requests).toBeGreaterThan(1);

    const refused = await user.request<ApiErrorBody>('POST', '/api/analyze', { prompt: 'Again?', models });
    expect(refused.status).toBe(402);
    expect(refused.body.error).toMatchObject({
      code: 'budget_exhausted',
      message: expect.stringContaining(`it resets at ${usage.body.resetsAt}`),
      details: { limit: 'dailyBudgetUsd', dailyBudgetUsd: DAILY_BUDGET_USD, resetsAt: usage.body.resetsAt },
    });
    // A rerun starts an analysis too.
    const rerun = await user.request<ApiErrorBody>('POST', `/api/analyses/${view.id}/rerun`, { fromStage: 'answer' });
    expect(rerun.status).toBe(402);
  });

  it("rebuilds a day's spend from the results database when Redis lost the counter", async () => {
    const redis = new Redis(stack.env.REDIS_URL ?? '');
    try {
      const keys = await redis.keys(`${stack.env.QUEUE_PREFIX}:usage:*`);
      expect(keys).toHaveLength(1);
      const before = await redis.hget(keys[0], 'costUsd');
      await redis.del(...keys);
      const usage = await user.request<UsageReport>('GET', '/api/users/me/usage');
      expect(usage.body.costUsd).toBeCloseTo(Number(before), 9);
      expect(usage.body.inputTokens).toBeGreaterThan(0);
      const refused = await user.request<ApiErrorBody>('POST', '/api/analyze', { prompt: 'Once more?', models });
      expect(refused.status).toBe(402);
    } finally {
      redis.disconnect();
    }
  });
});
