import { FakeMistralServer } from '@ultra/fake-llm';
import { toolRequest, WEATHER_TOOL } from '../testing/provider-test-kit';
import { MistralProvider } from './mistral.provider';

const open = () => new AbortController().signal;

describe('MistralProvider with tools, against the Mistral wire fake', () => {
  const fake = new FakeMistralServer();
  let mistral: MistralProvider;

  beforeAll(async () => {
    await fake.listen(0);
    mistral = new MistralProvider({ id: 'mistral', apiKey: 'test-key', baseUrl: fake.url });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it.each([false, true])('sends tools and returns the call (stream: %s)', async (stream) => {
    const result = await mistral.complete(
      toolRequest('mistral-small-latest', false, { stream, toolChoice: 'required' }),
      open(),
    );
    expect(result).toMatchObject({ text: '', finishReason: 'tool_calls' });
    expect(result.toolCalls).toEqual([{ id: 'fake00000', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    const body = fake.toolRequests.at(-1)!.body as Record<string, unknown>;
    expect(body.tools).toEqual([{ type: 'function', function: WEATHER_TOOL }]);
    expect(body.tool_choice).toBe('any');
  });

  it.each([false, true])(
    'sends the assistant call and the tool result in Mistral format (stream: %s)',
    async (stream) => {
      const result = await mistral.complete(toolRequest('mistral-small-latest', true, { stream }), open());
      expect(result.toolCalls).toBeUndefined();
      expect(result).toMatchObject({ text: 'mistral fake answer from mistral-small-latest.', finishReason: 'stop' });
      const body = fake.requests.at(-1)!.body as { messages: Record<string, unknown>[] };
      expect(body.messages.slice(2)).toEqual([
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              index: 0,
            },
          ],
          prefix: false,
        },
        { role: 'tool', content: '18°C and sunny', tool_call_id: 'call_1' },
      ]);
    },
  );
});
