import { ErrorCategory } from '@ultra/contracts';
import { FakeAnthropicServer } from '@ultra/fake-llm';
import type { LlmRequest } from '../llm-provider';
import { chatRequest, failureOf } from '../testing/provider-test-kit';
import { AnthropicProvider, DEFAULT_MAX_TOKENS } from './anthropic.provider';

const MODEL = 'claude-sonnet-5-5';
const MODEL_ID = `anthropic:${MODEL}`;
const API_KEY = 'test-anthropic-key';

const request = (overrides: Partial<LlmRequest> = {}) => chatRequest(MODEL, overrides);

interface MessagesRequestBody {
  model: string;
  system?: string;
  messages: { role: string; content: string }[];
  max_tokens: number;
  stream?: boolean;
  temperature?: number;
}

describe('AnthropicProvider against the Anthropic fake', () => {
  const fake = new FakeAnthropicServer();
  let provider: AnthropicProvider;
  const signal = new AbortController().signal;

  // The SDK logs an unparsable event before it throws. It binds console.error on its first request, so the spy
  // must be in place before any call; the malformed-stream test checks what was logged.
  let consoleError: jest.SpyInstance;

  beforeAll(async () => {
    consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await fake.listen(0);
    provider = new AnthropicProvider({ id: 'anthropic', apiKey: API_KEY, baseUrl: fake.url });
  });
  afterAll(async () => {
    await fake.close();
    consoleError.mockRestore();
  });
  afterEach(() => {
    fake.reset();
    consoleError.mockClear();
  });

  it('completes without streaming: text, usage and finish reason', async () => {
    fake.reply({ text: 'BullMQ is a Redis-backed queue.', usage: { inputTokens: 21, outputTokens: 8 } });
    const result = await provider.complete(request(), signal);
    // Anthropic always reports cache reads (0 here), and thinking tokens only when the model reasoned.
    expect(result).toEqual({
      text: 'BullMQ is a Redis-backed queue.',
      usage: { inputTokens: 21, outputTokens: 8, cachedInputTokens: 0 },
      finishReason: 'end_turn',
    });
  });

  it('sends the model, the system prompt apart from the messages, max_tokens and the key', async () => {
    await provider.complete(request(), signal);
    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/messages');
    // SDK 1.x sends the key as a bearer token (the API accepts it there or in x-api-key) and API version 2026-10-21.
    expect(sent.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent.headers['anthropic-version']).toBe('2026-10-21');
    const body = sent.body as MessagesRequestBody;
    expect(body).toMatchObject({
      model: MODEL,
      system: 'You are terse.',
      max_tokens: 256,
      messages: [
        { role: 'user', content: 'What is Redis?' },
        { role: 'assistant', content: 'A key-value store.' },
        { role: 'user', content: 'And BullMQ?' },
      ],
    });
    expect(body.stream).toBeFalsy();
    // API version 2026-10-21 answers 400 to any temperature, so the adapter leaves it out (the fake enforces it too).
    expect(body).not.toHaveProperty('temperature');
  });

  it('defaults max_tokens, which the API requires, and sends no system parameter without a system prompt', async () => {
    const messages = [{ role: 'user' as const, content: 'Hi' }];
    await provider.complete(request({ messages, maxOutputTokens: undefined }), signal);
    const body = fake.requests[0].body as MessagesRequestBody;
    expect(body.max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(body).not.toHaveProperty('system');
  });

  it('reports cached and thinking tokens and the vendor finish reason', async () => {
    fake.reply({
      text: 'Cut short',
      usage: { inputTokens: 1200, outputTokens: 256, cachedInputTokens: 1000, reasoningTokens: 200 },
      finishReason: 'max_tokens',
    });
    const result = await provider.complete(request(), signal);
    expect(result.usage).toEqual({
      inputTokens: 1200,
      outputTokens: 256,
      cachedInputTokens: 1000,
      reasoningTokens: 200,
    });
    expect(result.finishReason).toBe('max_tokens');
  });

  it('streams deltas in order and returns the joined text with the streamed usage', async () => {
    const chunks = ['BullMQ ', 'is a ', 'Redis-backed ', 'job queue.'];
    fake.reply({
      chunks,
      chunkDelayMs: 5,
      usage: { inputTokens: 40, outputTokens: 12, cachedInputTokens: 30, reasoningTokens: 4 },
    });
    const deltas: string[] = [];
    const result = await provider.complete(request({ stream: true }), signal, { onDelta: (d) => deltas.push(d) });
    expect(deltas).toEqual(chunks);
    expect(result).toEqual({
      text: chunks.join(''),
      usage: { inputTokens: 40, outputTokens: 12, cachedInputTokens: 30, reasoningTokens: 4 },
      finishReason: 'end_turn',
    });
    // Anthropic streams usage unasked (message_start and message_delta): the stream flag is all the request needs.
    const body = fake.requests[0].body as MessagesRequestBody;
    expect(body).toMatchObject({ model: MODEL, system: 'You are terse.', max_tokens: 256, stream: true });
    expect(body).not.toHaveProperty('temperature');
  });

  it.each([
    [401, ErrorCategory.Auth],
    [403, ErrorCategory.Auth],
    [400, ErrorCategory.InvalidRequest],
    [500, ErrorCategory.ProviderUnavailable],
    [529, ErrorCategory.ProviderUnavailable],
  ])('maps HTTP %i to %s, naming the model and the vendor message', async (status, category) => {
    fake.reply({ status, errorMessage: `scripted failure ${status}` });
    for (const stream of [false, true]) {
      const error = await failureOf(provider.complete(request({ stream }), signal));
      expect(error.category).toBe(category);
      expect(error.message).toContain(MODEL_ID);
      expect(error.message).toContain(`scripted failure ${status}`);
    }
  });

  it('maps 429 to rate_limit with the retry-after delay', async () => {
    fake.reply({
      status: 429,
      errorMessage: 'Number of request tokens has exceeded your rate limit',
      retryAfterSeconds: 7,
    });
    for (const stream of [false, true]) {
      const error = await failureOf(provider.complete(request({ stream }), signal));
      expect(error.category).toBe(ErrorCategory.RateLimit);
      expect(error.retryAfterMs).toBe(7000);
      expect(error.message).toContain(MODEL_ID);
    }
    // SDK retries are off: BullMQ owns retrying, so each call reached the fake once.
    expect(fake.requests).toHaveLength(2);
  });

  it('rejects a cut-off stream as provider_unavailable instead of returning the partial text', async () => {
    fake.reply({ chunks: ['Half ', 'an ', 'answer'], cutOff: true });
    const deltas: string[] = [];
    const call = provider.complete(request({ stream: true }), signal, { onDelta: (d) => deltas.push(d) });
    const error = await failureOf(call);
    expect(error.category).toBe(ErrorCategory.ProviderUnavailable);
    expect(error.message).toContain(MODEL_ID);
    expect(deltas.join('')).toBe('Half an answer');
  });

  it('rejects a stream with an event that is not JSON', async () => {
    fake.reply({ chunks: ['One ', 'two ', 'three'], malformed: true });
    const error = await failureOf(provider.complete(request({ stream: true }), signal));
    expect(error.category).toBe(ErrorCategory.ProviderUnavailable);
    expect(error.message).toContain(MODEL_ID);
    expect(consoleError).toHaveBeenCalledWith('Could not parse message into JSON:', expect.stringContaining('{'));
  });

  it.each([false, true])('rejects with timeout when the signal fires while waiting (stream: %s)', async (stream) => {
    fake.reply({ latencyMs: 500 });
    const started = Date.now();
    const error = await failureOf(provider.complete(request({ stream }), AbortSignal.timeout(50)));
    expect(error.category).toBe(ErrorCategory.Timeout);
    expect(error.message).toContain(MODEL_ID);
    expect(Date.now() - started).toBeLessThan(450);
  });

  it('answers like the API to requests the adapter never makes', async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${fake.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'anthropic-version': '2026-10-21', ...headers },
        body,
      });
    const notJson = await post('{"model": ');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const valid = { model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }], temperature: 1 };
    const sampling = await post(JSON.stringify(valid));
    expect(sampling.status).toBe(400);
    expect(await sampling.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: 'temperature: Extra inputs are not permitted' },
    });
    const older = await post(JSON.stringify(valid), { 'anthropic-version': '2023-06-01' });
    expect(older.status).toBe(200);
    const noKey = await post(JSON.stringify(valid), { authorization: '' });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ error: { type: 'authentication_error' } });
  });
});
