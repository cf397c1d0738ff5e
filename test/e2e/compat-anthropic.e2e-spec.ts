import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import type { AnalysisPage, CreatedApiKey } from '@ultra/contracts';
import { ApiClient } from '../support/api';
import { TestStack } from '../support/stack';

const PANEL = { models: ['mock:alpha', 'mock:beta'], ultraModel: 'mock:alpha' };

/** The Ultra extension object where Anthropic's request has room for it: `metadata.ultra` (not in the SDK's types). */
const withUltra = (ultra: object) =>
  ({ metadata: { ultra } }) as unknown as Pick<Anthropic.MessageCreateParams, 'metadata'>;

const ask = (content: string): Anthropic.MessageParam[] => [{ role: 'user', content }];

describe('Anthropic-compatible endpoints with the official @anthropic-ai/sdk, unchanged', () => {
  let stack: TestStack;
  let user: ApiClient;
  /** An Ultra API key (scopes analyze, read) as the SDK's apiKey: it goes into x-api-key. */
  let client: Anthropic;

  beforeAll(async () => {
    stack = await TestStack.start({ workers: 1 });
    user = await new ApiClient(stack.baseUrl).registerUser();
    const created = await user.request<CreatedApiKey>('POST', '/api/api-keys', {
      name: 'anthropic sdk',
      scopes: ['analyze', 'read'],
    });
    expect(created.status).toBe(201);
    client = new Anthropic({ apiKey: created.body.key, baseURL: stack.baseUrl, maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers a direct model without streaming, with usage, the analysis id and a history entry', async () => {
    const { data, response } = await client.messages
      .create({ model: 'mock:alpha', max_tokens: 512, messages: ask('What is 2 + 2?') })
      .withResponse();
    const analysisId = response.headers.get('x-ultra-analysis-id');
    expect(analysisId).toMatch(/^[0-9a-f-]{36}$/);
    expect(data).toMatchObject({
      id: `msg_${analysisId?.replace(/-/g, '')}`,
      type: 'message',
      role: 'assistant',
      model: 'mock:alpha',
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(data.content).toEqual([{ type: 'text', text: expect.any(String) }]);
    const text = (data.content[0] as Anthropic.TextBlock).text;
    expect(text.length).toBeGreaterThan(0);
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect((data as unknown as { ultra: unknown }).ultra).toMatchObject({ analysisId, pattern: 'direct' });
    // A direct call answers as soon as its model has; the store completes the analysis moments later.
    const view = await user.waitForAnalysis(analysisId as string);
    expect(view).toMatchObject({ status: 'completed', pattern: 'direct', models: ['mock:alpha'] });
    expect(view.result?.text).toBe(text);
  });

  it('takes the access token as the apiKey too (it arrives as x-api-key)', async () => {
    const withToken = new Anthropic({ apiKey: user.token, baseURL: stack.baseUrl, maxRetries: 0 });
    const message = await withToken.messages.create({ model: 'mock:beta', max_tokens: 256, messages: ask('Hi') });
    expect(message.content[0]).toMatchObject({ type: 'text' });
  });

  it('runs ultra/critique with the panel in metadata.ultra, without streaming', async () => {
    const message = await client.messages.create({
      model: 'ultra/critique',
      max_tokens: 1024,
      messages: ask('Why is the sky blue?'),
      ...withUltra(PANEL),
    });
    expect(message.content).toEqual([{ type: 'text', text: expect.any(String) }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect((message as unknown as { ultra: unknown }).ultra).toMatchObject({
      pattern: 'critique',
      models: PANEL.models,
    });
  });

  it('streams ultra/critique: labelled thinking blocks before the text block; finalMessage() works', async () => {
    const order: string[] = [];
    const stream = client.messages
      .stream({ model: 'ultra/critique', max_tokens: 1024, messages: ask('Why is the sky blue?'), ...withUltra(PANEL) })
      .on('streamEvent', (event) => {
        if (event.type === 'content_block_start') order.push(event.content_block.type);
      });
    const message = await stream.finalMessage();
    expect(order.length).toBeGreaterThan(1);
    expect(order.at(-1)).toBe('text');
    expect(order.slice(0, -1).every((type) => type === 'thinking')).toBe(true);
    const thinking = message.content.filter((block): block is Anthropic.ThinkingBlock => block.type === 'thinking');
    expect(thinking[0].thinking.startsWith('**Initial answers · Model A**\n\n')).toBe(true);
    expect(thinking.some((block) => block.thinking.includes('Model B'))).toBe(true);
    expect(thinking.every((block) => block.signature.length > 0)).toBe(true);
    const text = message.content.at(-1) as Anthropic.TextBlock;
    expect(text.text.length).toBeGreaterThan(0);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('streams a direct model with create({stream: true})', async () => {
    const stream = await client.messages.create({
      model: 'mock:alpha',
      max_tokens: 256,
      messages: ask('Name a colour.'),
      stream: true,
    });
    const types: string[] = [];
    const blocks: string[] = [];
    let text = '';
    let stopReason: string | null = null;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_start') blocks.push(event.content_block.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'message_delta') stopReason = event.delta.stop_reason;
    }
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(blocks).toEqual(['text']);
    expect(text.length).toBeGreaterThan(0);
    expect(stopReason).toBe('end_turn');
  });

  it('passes tools through to a direct model: a tool_use block, then an answer to its result', async () => {
    const tools: Anthropic.Tool[] = [
      {
        name: 'get_weather',
        description: 'The weather in a city',
        input_schema: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ];
    const messages = ask('What is the weather in Oslo?');
    const first = await client.messages.create({ model: 'mock:alpha', max_tokens: 256, messages, tools });
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    expect(toolUse).toMatchObject({ name: 'get_weather', input: {} });

    const streamed = await client.messages
      .stream({ model: 'mock:alpha', max_tokens: 256, messages, tools })
      .finalMessage();
    expect(streamed.stop_reason).toBe('tool_use');
    expect(streamed.content.at(-1)).toMatchObject({ type: 'tool_use', name: 'get_weather' });

    const second = await client.messages.create({
      model: 'mock:alpha',
      max_tokens: 256,
      tools,
      messages: [
        ...messages,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse?.id ?? '', content: '4 °C, clear' }] },
      ],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect((second.content[0] as Anthropic.TextBlock).text).toContain('4 °C, clear');
  });

  it('counts tokens without starting an analysis', async () => {
    const ids = async () =>
      (await user.request<AnalysisPage>('GET', '/api/analyses?limit=100')).body.analyses.map((a) => a.id);
    const before = await ids();
    const counted = await client.messages.countTokens({
      model: 'ultra/critique',
      system: 'Answer briefly.',
      messages: ask('Why is the sky blue?'),
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(await ids()).toEqual(before);
    await expect(client.messages.countTokens({ model: 'nope:model', messages: ask('x') })).rejects.toBeInstanceOf(
      Anthropic.NotFoundError,
    );
  });

  it('raises the SDK error classes for an unknown model, unsupported parameters and a bad key', async () => {
    const unknown = await client.messages
      .create({ model: 'ultra/no-such-pattern', max_tokens: 64, messages: ask('x') })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    expect((unknown as APIError).error).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) },
    });

    const image = await client.messages
      .create({
        model: 'mock:alpha',
        max_tokens: 64,
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }],
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(image).toBeInstanceOf(Anthropic.BadRequestError);
    expect((image as APIError).error).toMatchObject({
      error: { type: 'invalid_request_error', code: 'unsupported_parameter', param: 'messages.0.content.0' },
    });

    const tools = await client.messages
      .create({
        model: 'ultra/critique',
        max_tokens: 64,
        messages: ask('x'),
        tools: [{ name: 't', input_schema: { type: 'object' } }],
        ...withUltra(PANEL),
      })
      .catch((e: unknown) => e);
    expect(tools).toBeInstanceOf(Anthropic.BadRequestError);
    expect((tools as APIError).error).toMatchObject({ error: { param: 'tools' } });

    const badKey = new Anthropic({ apiKey: `ultra_sk_${'A'.repeat(43)}`, baseURL: stack.baseUrl, maxRetries: 0 });
    const refused = await badKey.messages
      .create({ model: 'mock:alpha', max_tokens: 64, messages: ask('x') })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((refused as APIError).error).toMatchObject({ error: { type: 'authentication_error' } });
  });
});
