import type { AnalysisView, AnalyzeAccepted } from '@ultra/contracts';
import { FakeOpenAiServer } from '@ultra/fake-llm';
import { ApiClient } from '../support/api';
import { TestStack } from '../support/stack';

const models = ['openai:gpt-4o-mini', 'openai:gpt-4.1', 'openai:gpt-4o'];

/** Chat completions the fake vendor has answered: one per model call that reached it. */
const callsTo = (fake: FakeOpenAiServer) => fake.requests.filter((r) => r.path.endsWith('/chat/completions')).length;

describe('rerun: a new analysis that reuses the stored stages before fromStage, counted at the vendor', () => {
  const openai = new FakeOpenAiServer();
  let stack: TestStack;
  let user: ApiClient;

  /** While set, every synthesis call fails at the vendor (a 400 the SDK does not retry). */
  let synthesisFails = false;
  const isSynthesis = (body: unknown) => JSON.stringify(body).includes('Write the strongest final answer');

  beforeAll(async () => {
    await openai.listen(0);
    openai.reply((req) =>
      synthesisFails && isSynthesis(req.body)
        ? { status: 400, errorMessage: 'this synthesis is refused' }
        : { text: `An answer from ${req.path}.`, usage: { inputTokens: 100, outputTokens: 50 } },
    );
    stack = await TestStack.start({
      workers: 1,
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${openai.url}/v1` },
    });
    user = await new ApiClient(stack.baseUrl).registerUser();
  });

  afterAll(async () => {
    await stack?.stop();
    await openai.close();
  });

  async function analyze(body: Record<string, unknown>): Promise<AnalysisView> {
    const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', body);
    expect(accepted.status).toBe(202);
    return user.waitForAnalysis(accepted.body.id);
  }

  it('reruns only the synthesis with another ultra model, marking the reused outputs', async () => {
    const source = await analyze({ prompt: 'How do vaccines work?', models, pattern: 'critique' });
    expect(source.status).toBe('completed');
    const before = callsTo(openai);
    expect(before).toBe(10);

    const accepted = await user.request<AnalyzeAccepted & { sourceAnalysisId: string }>(
      'POST',
      `/api/analyses/${source.id}/rerun`,
      { fromStage: 'ultra', ultraModel: 'openai:gpt-4.1' },
    );
    expect(accepted.status).toBe(202);
    expect(accepted.body.sourceAnalysisId).toBe(source.id);
    const rerun = await user.waitForAnalysis(accepted.body.id);

    expect(callsTo(openai) - before).toBe(1);
    expect(rerun).toMatchObject({
      status: 'completed',
      sourceAnalysisId: source.id,
      ultraModel: 'openai:gpt-4.1',
      result: { stage: 'ultra', model: 'openai:gpt-4.1' },
    });
    const reused = rerun.stages.filter((s) => s.id !== 'ultra').flatMap((s) => s.outputs);
    expect(reused).toHaveLength(9);
    for (const output of reused) expect(output).toMatchObject({ reused: true, usage: { costUsd: 0 }, latencyMs: 0 });
    const sourceTexts = source.stages.filter((s) => s.id !== 'ultra').flatMap((s) => s.outputs.map((o) => o.text));
    expect(reused.map((o) => o.text)).toEqual(sourceTexts);
    const synthesis = rerun.stages.find((s) => s.id === 'ultra')!.outputs;
    expect(synthesis).toEqual([expect.objectContaining({ model: 'openai:gpt-4.1', status: 'completed' })]);
    expect(synthesis[0].reused).toBeUndefined();
    expect(rerun.usage.costUsd).toBeLessThan(source.usage.costUsd!);
  });

  it('gives a failed synthesis a new chairman without repeating any earlier call', async () => {
    synthesisFails = true;
    const source = await analyze({ prompt: 'Is coffee healthy?', models: models.slice(0, 2), pattern: 'critique' });
    synthesisFails = false;
    expect(source).toMatchObject({ status: 'failed', error: { code: 'synthesis_failed' }, result: null });
    const before = callsTo(openai);

    const accepted = await user.request<AnalyzeAccepted>('POST', `/api/analyses/${source.id}/rerun`, {
      fromStage: 'ultra',
      ultraModel: 'openai:gpt-4.1',
    });
    expect(accepted.status).toBe(202);
    const rerun = await user.waitForAnalysis(accepted.body.id);
    expect(callsTo(openai) - before).toBe(1);
    expect(rerun).toMatchObject({ status: 'completed', result: { model: 'openai:gpt-4.1', stage: 'ultra' } });
    // The source's failed synthesis runs are not carried over: only the stages before fromStage are.
    expect(rerun.stages.filter((s) => s.id === 'ultra').map((s) => s.outputs.length)).toEqual([1]);
  });

  it('refuses a stage the pattern does not have, and another user’s analysis', async () => {
    const source = await analyze({ prompt: 'Q', models: models.slice(0, 2), pattern: 'direct' });
    const bad = await user.request<{ error: { code: string } }>('POST', `/api/analyses/${source.id}/rerun`, {
      fromStage: 'nope',
    });
    expect(bad.status).toBe(400);
    const stranger = await new ApiClient(stack.baseUrl).registerUser();
    const hidden = await stranger.request('POST', `/api/analyses/${source.id}/rerun`, { fromStage: 'answer' });
    expect(hidden.status).toBe(404);
  });
});
