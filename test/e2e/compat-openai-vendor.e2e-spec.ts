import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { AnalysisPage, AnalysisView } from '@ultra/contracts';
import { FakeOpenAiServer } from '@ultra/fake-llm';
import { ApiClient } from '../support/api';
import { eventually } from '../support/eventually';
import { TestStack } from '../support/stack';

/** Chat completions against the fake OpenAI vendor: errors as the SDK's classes, cancellation and tools. */
describe('OpenAI-compatible chat completions: errors, disconnects and tools', () => {
  const vendor = new FakeOpenAiServer();
  let stack: TestStack;
  let user: ApiClient;
  let client: OpenAI;

  beforeAll(async () => {
    await vendor.listen(0);
    stack = await TestStack.start({
      workers: 1,
      env: { OPENAI_API_KEY: 'sk-test-openai', OPENAI_BASE_URL: `${vendor.url}/v1` },
    });
    user = await new ApiClient(stack.baseUrl).registerUser();
    client = new OpenAI({ apiKey: user.token, baseURL: `${stack.baseUrl}/v1`, maxRetries: 0 });
  }, 120_000);

  afterEach(() => vendor.reset());

  afterAll(async () => {
    await stack?.stop();
    await vendor.close();
  });

  /** The newest analysis of the user ends failed with code cancelled, and the vendor then gets no further call. */
  async function expectCancelled(): Promise<void> {
    const list = await user.request<AnalysisPage>('GET', '/api/analyses?limit=1');
    const id = list.body.analyses[0].id;
    const view = await eventually(
      'the analysis ends cancelled',
      async () => {
        const res = await user.request<AnalysisView>('GET', `/api/analyses/${id}`);
        return res.body.status === 'failed' && res.body;
      },
      { timeoutMs: 15_000 },
    );
    expect(view.error?.code).toBe('cancelled');
    const calls = vendor.requests.length;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(vendor.requests.length).toBe(calls);
  }

  const ask = (body: Record<string, unknown>) =>
    client.chat.completions.create({
      model: 'mock:alpha',
      messages: [{ role: 'user', content: 'hello' }],
      ...body,
    } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);

  it('answers an unknown model and an unknown pattern with NotFoundError (404 model_not_found)', async () => {
    for (const model of ['nope:model', 'ultra/no-such-pattern', 'gpt-4o']) {
      const error = await ask({ model }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect(error).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
      // The trace id every Ultra error carries, in the dialect's snake case.
      expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
        trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
    }
  });

  it('refuses what an ensemble cannot honour with BadRequestError naming the field', async () => {
    const tool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } };
    const cases: [Record<string, unknown>, unknown][] = [
      [{ n: 2 }, 'n'],
      [{ logprobs: true }, 'logprobs'],
      [{ model: 'ultra/critique', tools: [tool] }, 'tools'],
      // A direct model whose provider's adapter does not map tools (Google) is refused before anything runs.
      [{ model: 'google:gemini-3.5-flash-lite', tools: [tool] }, 'tools'],
      [
        { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] },
        'messages.0.content.0',
      ],
      [{ response_format: { type: 'json_object' } }, 'response_format'],
      [{ messages: [] }, 'messages'],
      [{ messages: [{ role: 'assistant', content: 'only me' }] }, 'messages'],
      [{ temperature: 7 }, 'temperature'],
      // Text no store or model can take, anywhere in the body, and tools a job may not hold: 400, never a 500.
      [
        {
          messages: [
            { role: 'system', content: 'a\u0000b' },
            { role: 'user', content: 'q' },
          ],
        },
        'messages.0.content',
      ],
      [{ messages: [{ role: 'user', content: 'q\ud800' }] }, 'messages.0.content'],
      [{ model: 'openai:gpt-4o-mini', tools: [{ type: 'function', function: { name: 'has space' } }] }, 'tools.0.name'],
      [
        { metadata: { deep: JSON.parse('['.repeat(100) + ']'.repeat(100)) as unknown } },
        expect.stringMatching(/^metadata\.deep(\.0)+$/),
      ],
      [{ ultra: { models: 'mock:alpha' } }, 'ultra.models'],
    ];
    for (const [body, param] of cases) {
      const error = await ask(body).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error).toMatchObject({ status: 400, param });
    }
    const unsupported: unknown = await ask({ n: 3 }).catch((e: unknown) => e);
    expect(unsupported).toMatchObject({ code: 'unsupported_parameter', type: 'invalid_request_error' });
  });

  it('answers a bad key or token with AuthenticationError (401)', async () => {
    for (const apiKey of ['not-a-token', 'ultra_sk_0000000000000000000000000000000000000000']) {
      const bad = new OpenAI({ apiKey, baseURL: `${stack.baseUrl}/v1`, maxRetries: 0 });
      await expect(bad.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
      await expect(
        bad.chat.completions.create({ model: 'mock:alpha', messages: [{ role: 'user', content: 'x' }] }),
      ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    }
  });

  it('takes an API key: read lists models, analyze runs them; a missing scope is PermissionDeniedError (403)', async () => {
    const created = await user.request<{ key: string }>('POST', '/api/api-keys', { name: 'reader', scopes: ['read'] });
    expect(created.status).toBe(201);
    const reader = new OpenAI({ apiKey: created.body.key, baseURL: `${stack.baseUrl}/v1`, maxRetries: 0 });
    expect((await reader.models.list()).data.length).toBeGreaterThan(0);
    const refused: unknown = await reader.chat.completions
      .create({ model: 'mock:alpha', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(refused).toMatchObject({ status: 403, code: 'insufficient_scope', type: 'permission_error' });
  });

  it('cancels the analysis when the client disconnects mid-stream: no further calls reach the vendor', async () => {
    vendor.reply({ text: 'a slow and thoughtful answer that streams in many small pieces', chunkDelayMs: 150 });
    const abort = new AbortController();
    const stream = await client.chat.completions.create(
      {
        model: 'ultra/critique',
        messages: [{ role: 'user', content: 'Take your time.' }],
        stream: true,
        ultra: { models: ['openai:gpt-4o-mini', 'openai:gpt-4.1'] },
      } as OpenAI.ChatCompletionCreateParamsStreaming,
      { signal: abort.signal },
    );
    for await (const chunk of stream) {
      if ((chunk.choices[0]?.delta as { reasoning_content?: string }).reasoning_content) break;
    }
    abort.abort();
    // Two initial answers at most were under way; the critiques and revisions never start.
    expect(vendor.requests.length).toBeLessThanOrEqual(2);
    await expectCancelled();
  });

  it('cancels when a non-streaming client gives up, and when an Anthropic SDK stream is aborted', async () => {
    vendor.reply({ text: 'a slow and thoughtful answer that streams in many small pieces', chunkDelayMs: 150 });
    const panel = { models: ['openai:gpt-4o-mini', 'openai:gpt-4.1'] };
    const abort = new AbortController();
    const pending = client.chat.completions
      .create(
        {
          model: 'ultra/critique',
          messages: [{ role: 'user', content: 'Wait for it.' }],
          ultra: panel,
        } as OpenAI.ChatCompletionCreateParamsNonStreaming,
        { signal: abort.signal },
      )
      .catch((e: unknown) => e);
    await eventually('the panel is called', () => vendor.requests.length > 0);
    abort.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    await expectCancelled();

    vendor.reset();
    vendor.reply({ text: 'a slow and thoughtful answer that streams in many small pieces', chunkDelayMs: 150 });
    const anthropic = new Anthropic({ apiKey: user.token, baseURL: stack.baseUrl, maxRetries: 0 });
    const stream = anthropic.messages.stream({
      model: 'ultra/critique',
      max_tokens: 200,
      messages: [{ role: 'user', content: 'Think aloud.' }],
      metadata: { ultra: panel },
    } as Anthropic.MessageStreamParams);
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'thinking_delta') break;
    }
    stream.abort();
    await expectCancelled();
  });

  it('passes a tool call through for a direct OpenAI model, streaming and not, and the tool result back', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather in a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Weather in Paris?' },
    ];
    const first = await client.chat.completions.create({ model: 'openai:gpt-4o-mini', messages, tools });
    const call = first.choices[0].message.tool_calls?.[0];
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    const sent = vendor.requests.at(-1)?.body as { tools?: unknown[]; messages: { role: string }[] };
    expect(sent.tools).toHaveLength(1);
    expect(sent.messages[0]).toMatchObject({ role: 'system', content: 'You are terse.' });

    const streamed = await client.chat.completions.create({
      model: 'openai:gpt-4o-mini',
      messages,
      tools,
      stream: true,
    });
    const names: string[] = [];
    let finish: string | null = null;
    for await (const chunk of streamed) {
      for (const c of chunk.choices[0]?.delta.tool_calls ?? []) if (c.function?.name) names.push(c.function.name);
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(names).toEqual(['get_weather']);
    expect(finish).toBe('tool_calls');

    if (call?.type !== 'function') throw new Error('expected a function call');
    const answer = await client.chat.completions.create({
      model: 'openai:gpt-4o-mini',
      tools,
      messages: [
        ...messages,
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"temperature": 18}' },
      ],
    });
    expect(answer.choices[0].finish_reason).toBe('stop');
    const last = vendor.requests.at(-1)?.body as { messages: { role: string; tool_call_id?: string }[] };
    expect(last.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(last.messages[3].tool_call_id).toBe(call.id);
  });

  it('turns the reasoning stream off with x-ultra-show-stages: 0', async () => {
    const stream = await client.chat.completions.create(
      {
        model: 'ultra/critique',
        messages: [{ role: 'user', content: 'Quietly, please.' }],
        stream: true,
        ultra: { models: ['mock:alpha', 'mock:beta'] },
      } as OpenAI.ChatCompletionCreateParamsStreaming,
      { headers: { 'x-ultra-show-stages': '0' } },
    );
    let reasoning = '';
    let content = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      reasoning += delta?.reasoning_content ?? '';
      content += delta?.content ?? '';
    }
    expect(reasoning).toBe('');
    expect(content.length).toBeGreaterThan(0);
  });

  it('sends the conversation as real turns to a direct model and to the first stage of a pattern', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'system', content: 'Answer in French.' },
      { role: 'user', content: 'Capital of Italy?' },
      { role: 'assistant', content: 'Rome.' },
      { role: 'user', content: 'And of Spain?' },
    ];
    const { data: directAnswer } = await client.chat.completions
      .create({ model: 'openai:gpt-4o-mini', messages })
      .withResponse();
    const direct = vendor.requests.at(-1)?.body as { messages: { role: string; content: string }[] };
    // A rerun (here of its only stage) sends the same messages: they are stored with the analysis.
    const analysisId = (directAnswer as unknown as { ultra: { analysisId: string } }).ultra.analysisId;
    await user.waitForAnalysis(analysisId);
    const rerun = await user.request<{ id: string }>('POST', `/api/analyses/${analysisId}/rerun`, {
      fromStage: 'answer',
    });
    expect(rerun.status).toBe(202);
    await user.waitForAnalysis(rerun.body.id);
    expect((vendor.requests.at(-1)?.body as { messages: unknown[] }).messages).toEqual(direct.messages);
    expect(direct.messages).toEqual([
      { role: 'system', content: 'Answer in French.' },
      { role: 'user', content: 'Capital of Italy?' },
      { role: 'assistant', content: 'Rome.' },
      { role: 'user', content: 'And of Spain?' },
    ]);

    vendor.reset();
    await client.chat.completions.create({
      model: 'ultra/critique',
      messages,
      ultra: { models: ['openai:gpt-4o-mini', 'openai:gpt-4.1'] },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const bodies = vendor.requests.map((r) => r.body as { messages: { role: string; content: string }[] });
    const first = bodies.filter((b) => b.messages.some((m) => m.role === 'assistant' && m.content === 'Rome.'));
    // The two initial answers see the turns; every call carries the caller's instructions in its system message.
    expect(first).toHaveLength(2);
    expect(first[0].messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    for (const body of bodies)
      expect(body.messages[0].role === 'system' && body.messages[0].content).toContain('Answer in French.');
    // Later stages see the conversation as history.
    const later = bodies.filter((b) => !first.includes(b));
    expect(later.length).toBeGreaterThan(0);
    for (const body of later) expect(body.messages.at(-1)?.content).toContain('Capital of Italy?');
  });
});
