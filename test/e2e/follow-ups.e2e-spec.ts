import type { AnalysisSummary, AnalysisView, FollowUpAccepted, ThreadView } from '@ultra/contracts';
import { FakeOpenAiServer, type RecordedRequest } from '@ultra/fake-llm';
import { ApiClient } from '../support/api';
import { TestStack } from '../support/stack';

const models = ['openai:gpt-4o-mini', 'openai:gpt-4.1', 'openai:gpt-4o'];
type ChatBody = { model: string; messages: { role: string; content: string }[]; temperature?: number };

/** Each answer is ~190 characters with its question (~48 tokens): a budget of 120 tokens holds two exchanges. */
const HISTORY_TOKEN_BUDGET = 120;
const FILLER = '.'.repeat(150);

/** The question a prompt asks: the text after the history block, or the whole user message. */
function questionOf(body: ChatBody): string {
  const user = body.messages.find((m) => m.role === 'user')?.content ?? '';
  return user.split('## The question below follows up this conversation\n\n').at(-1) ?? user;
}

const userMessagesOf = (requests: RecordedRequest[]) =>
  requests.map((r) => (r.body as ChatBody).messages.find((m) => m.role === 'user')?.content ?? '');

describe('follow-ups: a thread whose prompts carry the earlier questions and answers, seen at the vendor', () => {
  const openai = new FakeOpenAiServer();
  let stack: TestStack;
  let user: ApiClient;

  beforeAll(async () => {
    await openai.listen(0);
    openai.reply((req) => {
      const question = questionOf(req.body as ChatBody);
      if (question.includes('fail-me')) return { status: 400, errorMessage: 'refused' };
      // Named by the start of what it was asked, so a synthesis' answer stays as short as any other.
      const asked = question.replace(/\s+/g, ' ').slice(0, 60);
      return { text: `Answer to <${asked}> ${FILLER}`, latencyMs: question.includes('slow') ? 3_000 : 0 };
    });
    stack = await TestStack.start({
      workers: 1,
      env: {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: `${openai.url}/v1`,
        HISTORY_TOKEN_BUDGET: String(HISTORY_TOKEN_BUDGET),
      },
    });
    user = await new ApiClient(stack.baseUrl).registerUser();
  });

  afterAll(async () => {
    await stack?.stop();
    await openai.close();
  });

  async function analyze(body: Record<string, unknown>): Promise<AnalysisView> {
    const accepted = await user.request<{ id: string }>('POST', '/api/analyze', { models, ...body });
    expect(accepted.status).toBe(202);
    return user.waitForAnalysis(accepted.body.id);
  }

  async function followUp(parent: string, body: Record<string, unknown>): Promise<AnalysisView> {
    const accepted = await user.request<FollowUpAccepted>('POST', `/api/analyses/${parent}/follow-ups`, body);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: 'queued', parentAnalysisId: parent });
    return user.waitForAnalysis(accepted.body.id);
  }

  /** The prompts of one analysis' calls: those the vendor received while it ran. */
  async function promptsOf(run: () => Promise<AnalysisView>): Promise<{ view: AnalysisView; prompts: string[] }> {
    openai.requests.length = 0;
    const view = await run();
    return { view, prompts: userMessagesOf(openai.requests) };
  }

  it('carries the first question and its final answer into the follow-up’s prompt, then both exchanges in order', async () => {
    const first = await analyze({ prompt: 'Q1 What is a tide?', pattern: 'direct' });
    expect(first).toMatchObject({ status: 'completed', threadId: first.id, parentAnalysisId: null });

    const second = await promptsOf(() => followUp(first.id, { prompt: 'Q2 Why twice a day?' }));
    expect(second.view).toMatchObject({ status: 'completed', threadId: first.id, parentAnalysisId: first.id });
    expect(second.prompts).toEqual([
      `## Conversation so far\n\n### Question 1\nQ1 What is a tide?\n\n### Answer 1\n${first.result?.text}\n\n` +
        '## The question below follows up this conversation\n\nQ2 Why twice a day?',
    ]);

    const third = await promptsOf(() => followUp(second.view.id, { prompt: 'Q3 And the moon?' }));
    expect(third.view).toMatchObject({ threadId: first.id, parentAnalysisId: second.view.id });
    const [prompt] = third.prompts;
    const order = ['Q1 What is a tide?', first.result!.text, 'Q2 Why twice a day?', second.view.result!.text];
    const positions = order.map((text) => prompt.indexOf(text));
    expect(positions.every((at) => at >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(prompt).toMatch(/### Question 2\nQ2 Why twice a day\?\n\n### Answer 2\n/);
    expect(prompt).not.toContain('left out');
    expect(prompt.endsWith('Q3 And the moon?')).toBe(true);
  });

  it('takes models, ultra model, pattern, parameters and options from the previous analysis; every stage carries the history', async () => {
    const first = await analyze({
      prompt: 'D1 Defaults?',
      pattern: 'critique',
      ultraModel: 'openai:gpt-4.1',
      options: { temperature: 0.3 },
      cache: false,
    });
    expect(first.status).toBe('completed');
    const { view, prompts } = await promptsOf(() => followUp(first.id, { prompt: 'D2 Same again?' }));
    expect(view).toMatchObject({
      status: 'completed',
      pattern: 'critique',
      models,
      ultraModel: 'openai:gpt-4.1',
      params: first.params,
      options: { temperature: 0.3, cache: false },
    });
    expect(prompts).toHaveLength(10);
    for (const prompt of prompts) {
      expect(prompt).toContain(`### Question 1\nD1 Defaults?\n\n### Answer 1\n${first.result?.text}`);
    }
    for (const request of openai.requests) expect((request.body as ChatBody).temperature).toBe(0.3);

    const direct = await followUp(first.id, { prompt: 'D3 Briefly?', pattern: 'direct', models: models.slice(1) });
    expect(direct).toMatchObject({ pattern: 'direct', models: models.slice(1), ultraModel: 'openai:gpt-4.1' });
  });

  it('drops the oldest exchanges beyond HISTORY_TOKEN_BUDGET and says how many', async () => {
    let parent = await analyze({ prompt: 'B1 first', pattern: 'direct' });
    for (const prompt of ['B2 second', 'B3 third']) parent = await followUp(parent.id, { prompt });
    const { prompts } = await promptsOf(() => followUp(parent.id, { prompt: 'B4 fourth' }));
    const [prompt] = prompts;
    expect(prompt).toContain('(1 earlier exchange was left out to fit the history budget.)');
    expect(prompt).not.toContain('B1 first');
    expect(prompt).toMatch(/### Question 1\nB2 second\n[\s\S]*### Question 2\nB3 third\n/);
  });

  it('follows up a failed analysis: its question stays in the history, without an answer', async () => {
    const failed = await analyze({ prompt: 'F1 fail-me', pattern: 'direct' });
    expect(failed.status).toBe('failed');
    const { view, prompts } = await promptsOf(() => followUp(failed.id, { prompt: 'F2 try again' }));
    expect(view.status).toBe('completed');
    expect(prompts[0]).toContain(
      '### Question 1\nF1 fail-me\n\n### Answer 1\n(No final answer: that analysis failed.)',
    );
  });

  it('answers 409 follow_up_not_possible while the previous analysis runs', async () => {
    const accepted = await user.request<{ id: string }>('POST', '/api/analyze', {
      prompt: 'R1 slow',
      models,
      pattern: 'direct',
    });
    const early = await user.request<{ error: { code: string; message: string } }>(
      'POST',
      `/api/analyses/${accepted.body.id}/follow-ups`,
      { prompt: 'R2 too soon' },
    );
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({
      code: 'follow_up_not_possible',
      message: expect.stringMatching(/still (queued|running)/),
    });
    await user.waitForAnalysis(accepted.body.id);
  });

  it('lists a thread oldest first, in summaries too, and hides it and its analyses from another user', async () => {
    const first = await analyze({ prompt: 'T1 start', pattern: 'direct' });
    const second = await followUp(first.id, { prompt: 'T2 next' });
    const third = await followUp(second.id, { prompt: 'T3 last' });

    const thread = await user.request<ThreadView>('GET', `/api/threads/${first.id}`);
    expect(thread.status).toBe(200);
    expect(thread.body.id).toBe(first.id);
    expect(thread.body.analyses.map((a) => [a.id, a.parentAnalysisId, a.threadId])).toEqual([
      [first.id, null, first.id],
      [second.id, first.id, first.id],
      [third.id, second.id, first.id],
    ]);
    expect(thread.body.analyses.map((a) => a.prompt)).toEqual(['T1 start', 'T2 next', 'T3 last']);
    expect(thread.body.analyses[0]).not.toHaveProperty('answer');
    const page = await user.request<{ analyses: AnalysisSummary[] }>('GET', '/api/analyses?limit=1');
    expect(page.body.analyses[0]).toMatchObject({ id: third.id, threadId: first.id, parentAnalysisId: second.id });

    const other = await new ApiClient(stack.baseUrl).registerUser();
    const threadOfOther = await other.request<{ error: { code: string } }>('GET', `/api/threads/${first.id}`);
    expect(threadOfOther.status).toBe(404);
    const followUpOfOther = await other.request<{ error: { code: string } }>(
      'POST',
      `/api/analyses/${third.id}/follow-ups`,
      { prompt: 'not mine' },
    );
    expect(followUpOfOther.status).toBe(404);
    expect(followUpOfOther.body.error.code).toBe('analysis_not_found');
  });

  it('reruns a follow-up with the history its prompts carried, beside it in the thread', async () => {
    const first = await analyze({ prompt: 'S1 origin', pattern: 'direct' });
    // Without the response cache, the rerun's call reaches the vendor although it asks exactly what S2 asked.
    const second = await followUp(first.id, { prompt: 'S2 follow', cache: false });
    openai.requests.length = 0;
    const accepted = await user.request<{ id: string }>('POST', `/api/analyses/${second.id}/rerun`, {
      fromStage: 'answer',
    });
    expect(accepted.status).toBe(202);
    const rerun = await user.waitForAnalysis(accepted.body.id);
    expect(rerun).toMatchObject({ status: 'completed', threadId: first.id, parentAnalysisId: first.id });
    expect(userMessagesOf(openai.requests)).toEqual([
      expect.stringContaining(`### Question 1\nS1 origin\n\n### Answer 1\n${first.result?.text}`),
    ]);
  });

  it('returns the first answer again for a repeated Idempotency-Key, and checks the body like analyze', async () => {
    const first = await analyze({ prompt: 'I1 once', pattern: 'direct' });
    const headers = { 'idempotency-key': `follow-up-${first.id}` };
    const path = `/api/analyses/${first.id}/follow-ups`;
    const a = await user.request<FollowUpAccepted>('POST', path, { prompt: 'I2 once only' }, headers);
    const b = await user.request<FollowUpAccepted>('POST', path, { prompt: 'I2 once only' }, headers);
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    await user.waitForAnalysis(a.body.id);

    const invalid = await user.request<{ error: { code: string; details: { path: string }[] } }>('POST', path, {
      prompt: '',
      models: ['nope:model'],
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.map((d) => d.path)).toContain('prompt');
    const unknown = await user.request<{ error: { code: string } }>('POST', path, {
      prompt: 'ok',
      models: ['nope:model'],
    });
    expect(unknown.body.error.code).toBe('unknown_model');
  });
});
