import { FakeOpenAiServer } from '@ultra/fake-llm';
import { toolRequest, WEATHER_TOOL } from '../testing/provider-test-kit';
import { OpenAiProvider } from './openai.provider';

const open = () => new AbortController().signal;

describe('OpenAiProvider with tools, against the OpenAI wire fake', () => {
  const fake = new FakeOpenAiServer();
  let openai: OpenAiProvider;

  beforeAll(async () => {
    await fake.listen(0);
    openai = new OpenAiProvider({ id: 'openai', apiKey: 'sk-test-key', baseUrl: `${fake.url}/v1` });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('sends the tools and tool choice as function tools and returns the call (one response)', async () => {
    const result = await openai.complete(
      toolRequest('gpt-4o-mini', false, { toolChoice: { name: 'get_weather' } }),
      open(),
    );
    expect(result).toMatchObject({ text: '', finishReason: 'tool_calls' });
    expect(result.toolCalls).toEqual([{ id: expect.any(String), name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    const body = fake.toolRequests.at(-1)!.body as Record<string, unknown>;
    expect(body.tools).toEqual([{ type: 'function', function: WEATHER_TOOL }]);
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
  });

  it('assembles a streamed call from its deltas, with no text deltas', async () => {
    const deltas: string[] = [];
    const result = await openai.complete(toolRequest('gpt-4o-mini', false, { stream: true }), open(), {
      onDelta: (d) => deltas.push(d),
    });
    expect(result.toolCalls).toEqual([{ id: expect.any(String), name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    expect(result).toMatchObject({ text: '', finishReason: 'tool_calls', usage: { inputTokens: 12, outputTokens: 9 } });
    expect(deltas).toEqual([]);
    expect((fake.requests.at(-1)!.body as { tool_choice?: unknown }).tool_choice).toBe('auto');
  });

  it.each([false, true])(
    'sends the assistant call and the tool result in OpenAI format (stream: %s)',
    async (stream) => {
      const deltas: string[] = [];
      const result = await openai.complete(toolRequest('gpt-4o-mini', true, { stream }), open(), {
        onDelta: (d) => deltas.push(d),
      });
      expect(result.toolCalls).toBeUndefined();
      expect(result).toMatchObject({ text: 'openai fake answer from gpt-4o-mini.', finishReason: 'stop' });
      if (stream) expect(deltas.join('')).toBe(result.text);
      const body = fake.requests.at(-1)!.body as { messages: unknown[] };
      expect(body.messages).toEqual([
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'What is the weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C and sunny' },
      ]);
    },
  );

  it('assembles several streamed calls in index order and keeps any text', async () => {
    fake.reply({
      toolCalls: [
        { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
        { name: 'get_time', arguments: '{}' },
      ],
    });
    const result = await openai.complete(toolRequest('gpt-4o-mini', false, { stream: true }), open());
    expect(result.toolCalls?.map((c) => [c.name, c.arguments])).toEqual([
      ['get_weather', '{"city":"Paris","unit":"celsius"}'],
      ['get_time', '{}'],
    ]);
    expect(new Set(result.toolCalls?.map((c) => c.id)).size).toBe(2);
  });

  it('sends no tool fields for a call without tools', async () => {
    await openai.complete({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: false }, open());
    expect(fake.requests.at(-1)!.body).not.toHaveProperty('tools');
    expect(fake.requests.at(-1)!.body).not.toHaveProperty('tool_choice');
  });
});
