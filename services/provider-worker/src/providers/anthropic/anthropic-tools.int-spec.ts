import { FakeAnthropicServer } from '@ultra/fake-llm';
import { toolRequest, WEATHER_TOOL } from '../testing/provider-test-kit';
import { AnthropicProvider } from './anthropic.provider';

const open = () => new AbortController().signal;

describe('AnthropicProvider with tools, against the Messages API wire fake', () => {
  const fake = new FakeAnthropicServer();
  let anthropic: AnthropicProvider;

  beforeAll(async () => {
    await fake.listen(0);
    anthropic = new AnthropicProvider({ id: 'anthropic', apiKey: 'sk-ant-test', baseUrl: fake.url });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it.each([false, true])('sends tools and returns the tool_use call as a tool call (stream: %s)', async (stream) => {
    const deltas: string[] = [];
    const result = await anthropic.complete(
      toolRequest('claude-sonnet-5-5', false, { stream, toolChoice: 'required' }),
      open(),
      { onDelta: (d) => deltas.push(d) },
    );
    expect(result).toMatchObject({ text: '', finishReason: 'tool_use' });
    expect(result.toolCalls).toEqual([
      { id: expect.stringMatching(/^toolu_/), name: 'get_weather', arguments: '{"city":"Paris"}' },
    ]);
    expect(deltas).toEqual([]);
    const body = fake.toolRequests.at(-1)!.body as Record<string, unknown>;
    expect(body.tools).toEqual([
      { name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.parameters },
    ]);
    expect(body.tool_choice).toEqual({ type: 'any' });
    expect(body.system).toBe('You are terse.');
  });

  it.each([false, true])('sends the call as tool_use and the result as tool_result (stream: %s)', async (stream) => {
    const result = await anthropic.complete(toolRequest('claude-sonnet-5-5', true, { stream }), open());
    expect(result.toolCalls).toBeUndefined();
    expect(result).toMatchObject({ text: 'anthropic fake answer from claude-sonnet-5-5.', finishReason: 'end_turn' });
    const body = fake.requests.at(-1)!.body as { messages: unknown[]; tool_choice?: unknown };
    expect(body.tool_choice).toEqual({ type: 'auto' });
    expect(body.messages).toEqual([
      { role: 'user', content: 'What is the weather in Paris?' },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '18°C and sunny' }] },
    ]);
  });

  it('joins consecutive tool results and a following user turn into one user turn', async () => {
    const request = toolRequest('claude-sonnet-5-5', true);
    request.messages.push(
      { role: 'tool', content: 'windy', toolCallId: 'call_2' },
      { role: 'user', content: 'Thanks.' },
    );
    await anthropic.complete({ ...request, tools: [WEATHER_TOOL], toolChoice: { name: 'get_weather' } }, open());
    const body = fake.requests.at(-1)!.body as { messages: { role: string; content: unknown }[]; tool_choice: unknown };
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(body.messages.at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'call_1', content: '18°C and sunny' },
        { type: 'tool_result', tool_use_id: 'call_2', content: 'windy' },
        { type: 'text', text: 'Thanks.' },
      ],
    });
  });
});
