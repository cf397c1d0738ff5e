import { ErrorCategory } from '@ultra/contracts';
import { FakeOpenAiServer } from '@ultra/fake-llm';
import { type LlmRequest, ProviderError } from '../llm-provider';
import { OpenAiProvider } from './openai.provider';

interface RecordedChatBody {
  model: string;
  messages: { role: string; content: string }[];
  temperature?: number;
  max_completion_tokens?: number;
  max_tokens?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

function request(overrides: Partial<LlmRequest> = {}): LlmRequest {
  return {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You answer in one sentence.' },
      { role: 'user', content: 'What is a queue?' },
    ],
    temperature: 0.3,
    maxOutputTokens: 256,
    stream: false,
    ...overrides,
  };
}

const open = () => new AbortController().signal;

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('OpenAiProvider against the OpenAI wire fake', () => {
  const fake = new FakeOpenAiServer();
  let openai: OpenAiProvider;

  beforeAll(async () => {
    await fake.listen(0);
    openai = new OpenAiProvider({ id: 'openai', apiKey: 'sk-test-key', baseUrl: `${fake.url}/v1` });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const lastBody = () => fake.requests.at(-1)!.body as RecordedChatBody;

  it('answers in one response with text, usage and finish reason', async () => {
    fake.reply({
      text: 'A queue holds jobs until a worker takes them.',
      usage: { inputTokens: 31, outputTokens: 11, cachedInputTokens: 16, reasoningTokens: 4 },
      finishReason: 'length',
    });
    const deltas: string[] = [];
    const result = await openai.complete(request(), open(), { onDelta: (d) => deltas.push(d) });
    expect(result).toEqual({
      text: 'A queue holds jobs until a worker takes them.',
      usage: { inputTokens: 31, outputTokens: 11, cachedInputTokens: 16, reasoningTokens: 4 },
      finishReason: 'length',
    });
    expect(deltas).toEqual([]);
  });

  it('sends the model, system prompt, temperature, max tokens and key the SDK way', async () => {
    await openai.complete(request(), open());
    const recorded = fake.requests.at(-1)!;
    expect(recorded.path).toBe('/v1/chat/completions');
    expect(recorded.headers.authorization).toBe('Bearer sk-test-key');
    expect(recorded.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You answer in one sentence.' },
        { role: 'user', content: 'What is a queue?' },
      ],
      temperature: 0.3,
      max_completion_tokens: 256,
      stream: false,
    });
  });

  it('streams deltas in order as they arrive, then returns the whole text and the streamed usage', async () => {
    const chunks = ['A queue ', 'holds jobs ', 'until a worker ', 'takes them.'];
    fake.reply({
      chunks,
      chunkDelayMs: 30,
      usage: { inputTokens: 40, outputTokens: 12, cachedInputTokens: 32, reasoningTokens: 6 },
    });
    const deltas: { text: string; at: number }[] = [];
    const result = await openai.complete(request({ stream: true }), open(), {
      onDelta: (text) => deltas.push({ text, at: Date.now() }),
    });
    const finishedAt = Date.now();
    expect(deltas.map((d) => d.text)).toEqual(chunks);
    // The first piece was delivered while the server was still sending the rest.
    expect(finishedAt - deltas[0].at).toBeGreaterThanOrEqual(50);
    expect(result).toEqual({
      text: chunks.join(''),
      usage: { inputTokens: 40, outputTokens: 12, cachedInputTokens: 32, reasoningTokens: 6 },
      finishReason: 'stop',
    });
    expect(lastBody()).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it.each([
    [401, ErrorCategory.Auth],
    [403, ErrorCategory.Auth],
    [400, ErrorCategory.InvalidRequest],
    [404, ErrorCategory.InvalidRequest],
    [500, ErrorCategory.ProviderUnavailable],
    [503, ErrorCategory.ProviderUnavailable],
  ])('maps HTTP %i to %s, streamed or not, without SDK retries', async (status, category) => {
    for (const stream of [false, true]) {
      fake.reset();
      fake.reply({ status, errorMessage: `scripted ${status}` });
      const error = await failure(openai.complete(request({ stream }), open()));
      expect(error.category).toBe(category);
      expect(error.message).toBe(`openai:gpt-4o-mini: HTTP ${status}: scripted ${status}`);
      expect(fake.requests).toHaveLength(1);
    }
  });

  it('maps 429 to rate_limit with the retry-after delay', async () => {
    fake.reply({ status: 429, errorMessage: 'Rate limit reached for gpt-4o-mini', retryAfterSeconds: 7 });
    const error = await failure(openai.complete(request(), open()));
    expect(error).toMatchObject({ category: ErrorCategory.RateLimit, retryAfterMs: 7000 });
    expect(error.message).toContain('openai:gpt-4o-mini');
    expect(fake.requests).toHaveLength(1);
  });

  it('rejects a stream cut off before its final chunk instead of returning partial text', async () => {
    fake.reply({ chunks: ['A queue ', 'holds '], cutOff: true });
    const deltas: string[] = [];
    const error = await failure(openai.complete(request({ stream: true }), open(), { onDelta: (d) => deltas.push(d) }));
    expect(error.category).toBe(ErrorCategory.ProviderUnavailable);
    expect(error.message).toContain('openai:gpt-4o-mini');
    expect(deltas).toEqual(['A queue ', 'holds ']);
  });

  it('rejects a malformed stream and a malformed or cut-off response', async () => {
    fake.replyOnce({ malformed: true }).replyOnce({ malformed: true }).replyOnce({ cutOff: true });
    for (const stream of [true, false, false]) {
      const error = await failure(openai.complete(request({ stream }), open()));
      expect(error.category).toBe(ErrorCategory.ProviderUnavailable);
      expect(error.message).toContain('openai:gpt-4o-mini');
    }
  });

  it('rejects with timeout when the signal fires before the answer starts', async () => {
    fake.reply({ latencyMs: 2000 });
    for (const stream of [false, true]) {
      const error = await failure(openai.complete(request({ stream }), AbortSignal.timeout(50)));
      expect(error.category).toBe(ErrorCategory.Timeout);
      expect(error.message).toContain('openai:gpt-4o-mini');
    }
  });

  it('rejects with timeout when the signal fires in the middle of a stream', async () => {
    fake.reply({ chunks: ['one ', 'two ', 'three ', 'four'], chunkDelayMs: 40 });
    const error = await failure(openai.complete(request({ stream: true }), AbortSignal.timeout(100)));
    expect(error.category).toBe(ErrorCategory.Timeout);
  });

  it('answers a body that is not JSON with 400 in the OpenAI error format', async () => {
    const response = await fetch(`${fake.url}/v1/chat/completions`, { method: 'POST', body: '{not json' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', code: null } });
  });

  describe('an OpenAI-compatible provider', () => {
    const ollama = () => new OpenAiProvider({ id: 'ollama', apiKey: 'ollama', baseUrl: `${fake.url}/v1` });

    it('streams through the same adapter under its own id, with max_tokens', async () => {
      fake.reply({ text: 'Queues decouple producers from consumers.', usage: { inputTokens: 20, outputTokens: 6 } });
      const deltas: string[] = [];
      const result = await ollama().complete(request({ model: 'llama3.2', stream: true }), open(), {
        onDelta: (d) => deltas.push(d),
      });
      expect(result.text).toBe('Queues decouple producers from consumers.');
      expect(deltas.join('')).toBe(result.text);
      expect(result.usage).toMatchObject({ inputTokens: 20, outputTokens: 6 });
      expect(lastBody()).toMatchObject({ model: 'llama3.2', max_tokens: 256 });
      expect(lastBody().max_completion_tokens).toBeUndefined();
      expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer ollama');
    });

    it('counts zero tokens when the server reports no usage, streamed or not, instead of failing', async () => {
      fake.reply({ text: 'No usage here.', omitUsage: true });
      const streamed = await ollama().complete(request({ model: 'llama3.2', stream: true }), open());
      expect(streamed).toMatchObject({ text: 'No usage here.', usage: { inputTokens: 0, outputTokens: 0 } });
      const oneShot = await ollama().complete(request({ model: 'llama3.2', stream: false }), open());
      expect(oneShot.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    });

    it('still requires usage from OpenAI itself', async () => {
      fake.reply({ text: 'No usage here.', omitUsage: true });
      const error = await failure(openai.complete(request({ model: 'gpt-4o-mini', stream: true }), open()));
      expect(error.category).toBe(ErrorCategory.ProviderUnavailable);
    });

    it('names ollama:<model> in its errors', async () => {
      fake.reply({ status: 404, errorMessage: 'model "llama9" not found, try pulling it first' });
      const error = await failure(ollama().complete(request({ model: 'llama9' }), open()));
      expect(error.category).toBe(ErrorCategory.InvalidRequest);
      expect(error.message).toBe('ollama:llama9: HTTP 404: model "llama9" not found, try pulling it first');
    });
  });
});
