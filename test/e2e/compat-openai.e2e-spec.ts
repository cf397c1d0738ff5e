import OpenAI from 'openai';
import type { AnalysisView } from '@ultra/contracts';
import { ApiClient } from '../support/api';
import { TestStack } from '../support/stack';

describe('OpenAI-compatible endpoints with the official openai SDK, unchanged', () => {
  let stack: TestStack;
  let user: ApiClient;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await TestStack.start({ workers: 1 });
    user = await new ApiClient(stack.baseUrl).registerUser();
    client = new OpenAI({ apiKey: user.token, baseURL: `${stack.baseUrl}/v1`, maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('lists every ultra/<pattern> and every ready model', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['ultra/critique', 'ultra/direct', 'mock:alpha', 'mock:beta']));
    const one = await client.models.retrieve('ultra/critique');
    expect(one).toMatchObject({ id: 'ultra/critique', object: 'model', owned_by: 'ultra' });
  });

  it('answers a direct model without streaming, with usage, the analysis id and a history entry', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'mock:alpha', messages: [{ role: 'user', content: 'What is 2 + 2?' }] })
      .withResponse();
    const analysisId = response.headers.get('x-ultra-analysis-id');
    expect(analysisId).toMatch(/^[0-9a-f-]{36}$/);
    expect(data.choices[0].message.content).toEqual(expect.any(String));
    expect(data.choices[0].message.content?.length).toBeGreaterThan(0);
    expect(data.choices[0].finish_reason).toBe('stop');
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    // A direct call answers as soon as its model has; the store completes the analysis moments later.
    const view = await user.waitForAnalysis(analysisId as string);
    expect(view).toMatchObject({ status: 'completed', pattern: 'direct', models: ['mock:alpha'] });
    expect(view.result?.text).toBe(data.choices[0].message.content);
  });

  it('streams ultra/critique: reasoning with stage labels before content, usage in the last chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'ultra/critique',
      messages: [{ role: 'user', content: 'Why is the sky blue?' }],
      stream: true,
      stream_options: { include_usage: true },
      ultra: { models: ['mock:alpha', 'mock:beta'], ultraModel: 'mock:alpha' },
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    let reasoning = '';
    let content = '';
    let contentBeforeReasoningEnded = false;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      if (delta?.reasoning_content) {
        if (content) contentBeforeReasoningEnded = true;
        reasoning += delta.reasoning_content;
      }
      if (delta?.content) content += delta.content;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(contentBeforeReasoningEnded).toBe(false);
    expect(reasoning).toContain('**Initial answers · Model A**');
    expect(reasoning).toContain('Model B');
    expect(content.length).toBeGreaterThan(0);
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it('takes the panel from the ultra field, else the default panel, else the first three ready models', async () => {
    const fresh = await new ApiClient(stack.baseUrl).registerUser();
    const own = new OpenAI({ apiKey: fresh.token, baseURL: `${stack.baseUrl}/v1`, maxRetries: 0 });
    const panelOf = async (model: string, extra: Record<string, unknown> = {}) => {
      const { data } = await own.chat.completions
        .create({
          model,
          messages: [{ role: 'user', content: 'Panel?' }],
          ...extra,
        } as OpenAI.ChatCompletionCreateParamsNonStreaming)
        .withResponse();
      const ultra = (data as unknown as { ultra: { analysisId: string } }).ultra;
      const view = await fresh.request<AnalysisView>('GET', `/api/analyses/${ultra.analysisId}`);
      return { pattern: view.body.pattern, models: view.body.models, ultraModel: view.body.ultraModel };
    };
    expect(await panelOf('ultra/vote')).toEqual({
      pattern: 'vote',
      models: ['mock:alpha', 'mock:beta', 'mock:gamma'],
      ultraModel: 'mock:alpha',
    });
    const put = await fresh.request('PUT', '/api/users/me/defaults', {
      models: ['mock:gamma', 'mock:delta'],
      ultraModel: 'mock:delta',
      pattern: 'moa',
    });
    expect(put.status).toBe(200);
    expect(await panelOf('ultra/vote')).toEqual({
      pattern: 'vote',
      models: ['mock:gamma', 'mock:delta'],
      ultraModel: 'mock:delta',
    });
    expect(await panelOf('ultra')).toMatchObject({ pattern: 'moa', models: ['mock:gamma', 'mock:delta'] });
    expect(await panelOf('ultra/vote', { ultra: { models: ['mock:beta', 'mock:alpha'] } })).toEqual({
      pattern: 'vote',
      models: ['mock:beta', 'mock:alpha'],
      ultraModel: 'mock:beta',
    });
  });

  it('carries the conversation: system instructions and earlier turns reach the models', async () => {
    const { data } = await client.chat.completions
      .create({
        model: 'mock:alpha',
        messages: [
          { role: 'system', content: 'Answer in French.' },
          { role: 'user', content: 'What is the capital of Italy?' },
          { role: 'assistant', content: 'Rome.' },
          { role: 'user', content: 'And of Spain?' },
        ],
      })
      .withResponse();
    const id = (data as unknown as { ultra: { analysisId: string } }).ultra.analysisId;
    const view = await user.waitForAnalysis(id);
    expect(view.prompt).toBe('And of Spain?');
    expect(view.status).toBe('completed');
  });
});
