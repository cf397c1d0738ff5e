import { ProviderError } from '../llm-provider';
import { estimateTokens, MockProvider } from './mock.provider';

const question = (text: string) => [{ role: 'user' as const, content: `## Question\n${text}` }];
const settings = { latencyMs: 0, failureRate: 0, failModels: [] };

describe('MockProvider', () => {
  const mock = new MockProvider(settings);
  const signal = new AbortController().signal;

  it('is deterministic for the same model and prompt', async () => {
    const a = await mock.complete({ model: 'alpha', messages: question('What is Redis?'), stream: false }, signal);
    const b = await mock.complete({ model: 'alpha', messages: question('What is Redis?'), stream: false }, signal);
    expect(a).toEqual(b);
    expect(a.text).toContain('"What is Redis?"');
    expect(a.finishReason).toBe('stop');
  });

  it('gives each model its own voice', async () => {
    const texts = await Promise.all(
      ['alpha', 'beta', 'gamma', 'delta'].map(
        async (model) => (await mock.complete({ model, messages: question('Q'), stream: false }, signal)).text,
      ),
    );
    expect(new Set(texts).size).toBe(4);
    expect(texts[1]).toMatch(/^Sceptical reading/);
  });

  it('answers text output in its own prose, whatever headings the prompt has', async () => {
    const review = await mock.complete(
      {
        model: 'beta',
        messages: [{ role: 'user', content: '## Question\nQ\n\n## Answers to review\n### Response A\nx' }],
        stream: false,
      },
      signal,
    );
    expect(review.text).toMatch(/^Sceptical reading on "Q": /);
  });

  it('gives the samples of one model different answers when their temperatures differ', async () => {
    const sample = async (temperature: number) =>
      (await mock.complete({ model: 'alpha', messages: question('Q'), temperature, stream: false }, signal)).text;
    const texts = await Promise.all([0.2, 0.5, 0.8, 1.1].map(sample));
    expect(new Set(texts).size).toBeGreaterThan(1);
  });

  it('counts tokens of every message and of the answer', async () => {
    const messages = [
      { role: 'system' as const, content: 'x'.repeat(40) },
      { role: 'user' as const, content: '## Question\nWhy?' },
    ];
    const res = await mock.complete({ model: 'gamma', messages, stream: false }, signal);
    expect(res.usage).toEqual({
      inputTokens: 10 + estimateTokens('## Question\nWhy?'),
      outputTokens: estimateTokens(res.text),
    });
  });

  it('streams its answer word by word when asked to', async () => {
    const deltas: string[] = [];
    const res = await mock.complete({ model: 'alpha', messages: question('Q'), stream: true }, signal, {
      onDelta: (text) => deltas.push(text),
    });
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join('')).toBe(res.text);
  });

  it('stops at maxOutputTokens and says so', async () => {
    const res = await mock.complete(
      { model: 'alpha', messages: question('Q'), maxOutputTokens: 5, stream: false },
      signal,
    );
    expect(res).toMatchObject({ finishReason: 'length', usage: { outputTokens: 5 } });
    expect(res.text).toHaveLength(20);
  });

  it('waits MOCK_LATENCY_MS and gives up when aborted', async () => {
    const slow = new MockProvider({ ...settings, latencyMs: 10_000 });
    const controller = new AbortController();
    const call = slow.complete({ model: 'alpha', messages: question('Q'), stream: false }, controller.signal);
    controller.abort();
    await expect(call).rejects.toMatchObject({ category: 'timeout' });
  });

  it('fails the models listed in MOCK_FAIL_MODELS and at MOCK_FAILURE_RATE', async () => {
    const failing = new MockProvider({ ...settings, failModels: ['mock:beta'] });
    await expect(
      failing.complete({ model: 'beta', messages: question('Q'), stream: false }, signal),
    ).rejects.toBeInstanceOf(ProviderError);
    await expect(
      failing.complete({ model: 'alpha', messages: question('Q'), stream: false }, signal),
    ).resolves.toBeDefined();
    const flaky = new MockProvider({ ...settings, failureRate: 0.5, random: () => 0.4 });
    await expect(
      flaky.complete({ model: 'alpha', messages: question('Q'), stream: false }, signal),
    ).rejects.toMatchObject({
      category: 'provider_unavailable',
      message: expect.stringContaining('mock:alpha'),
    });
    const lucky = new MockProvider({ ...settings, failureRate: 0.5, random: () => 0.6 });
    await expect(
      lucky.complete({ model: 'alpha', messages: question('Q'), stream: false }, signal),
    ).resolves.toBeDefined();
  });

  it('with tools, calls the first tool with {} until the last message is its result', async () => {
    const tools = [
      { name: 'get_weather', parameters: { type: 'object' } },
      { name: 'other', parameters: {} },
    ];
    const call = await mock.complete({ model: 'alpha', messages: question('Weather?'), stream: false, tools }, signal);
    expect(call).toMatchObject({ text: '', finishReason: 'tool_calls' });
    expect(call.toolCalls).toEqual([{ id: 'call_mock_get_weather', name: 'get_weather', arguments: '{}' }]);

    const deltas: string[] = [];
    const messages = [
      ...question('Weather?'),
      { role: 'assistant' as const, content: '', toolCalls: call.toolCalls },
      { role: 'tool' as const, content: 'sunny', toolCallId: 'call_mock_get_weather' },
    ];
    const answer = await mock.complete({ model: 'alpha', messages, stream: true, tools }, signal, {
      onDelta: (d) => deltas.push(d),
    });
    expect(answer).toMatchObject({ text: 'The tool call_mock_get_weather answered: sunny', finishReason: 'stop' });
    expect(answer.toolCalls).toBeUndefined();
    expect(deltas.join('')).toBe(answer.text);
  });
});
