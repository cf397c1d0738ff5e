import { ErrorCategory } from '@ultra/contracts';
import { FakeGeminiServer } from '@ultra/fake-llm';
import type { LlmRequest } from '../llm-provider';
import { chatRequest, failureOf, toolRequest } from '../testing/provider-test-kit';
import { GoogleProvider } from './google.provider';

const MODEL = 'gemini-3.5-flash-lite';
const MODEL_ID = `google:${MODEL}`;
const API_KEY = 'test-gemini-key';

const request = (overrides: Partial<LlmRequest> = {}) => chatRequest(MODEL, overrides);

/**
 * The SDK sends Node's fetch through a wrapper of undici's global dispatcher, which it looks up on `globalThis`. Jest
 * runs each test file in its own vm realm, whose global lacks it (it lives on the process's real global), so share
 * it: `fetch` comes from the real realm, and its Function constructor evaluates there. Plain Node needs nothing.
 */
function shareUndiciDispatcherWithJestRealm(): void {
  const key = Symbol.for('undici.globalDispatcher.1');
  const RealFunction = fetch.constructor as new (body: string) => () => Record<symbol, unknown>;
  const realGlobal = new RealFunction('return globalThis')();
  (globalThis as unknown as Record<symbol, unknown>)[key] ??= realGlobal[key];
}

interface GeminiRequestBody {
  contents: { role: string; parts: { text: string }[] }[];
  systemInstruction?: { parts: { text: string }[] };
  generationConfig?: { temperature?: number; maxOutputTokens?: number };
}

describe('GoogleProvider against the Gemini fake', () => {
  const fake = new FakeGeminiServer();
  let provider: GoogleProvider;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    shareUndiciDispatcherWithJestRealm();
    await fake.listen(0);
    provider = new GoogleProvider({ id: 'google', apiKey: API_KEY, baseUrl: fake.url });
  });
  afterAll(() => fake.close());
  afterEach(() => fake.reset());

  it('completes without streaming: text, usage and finish reason', async () => {
    fake.reply({ text: 'BullMQ is a Redis-backed queue.', usage: { inputTokens: 21, outputTokens: 8 } });
    const result = await provider.complete(request(), signal);
    expect(result).toEqual({
      text: 'BullMQ is a Redis-backed queue.',
      usage: { inputTokens: 21, outputTokens: 8 },
      finishReason: 'STOP',
    });
  });

  it('reports the vendor finish reason, cached and thinking tokens of a whole response', async () => {
    fake.reply({
      text: 'Cut',
      finishReason: 'MAX_TOKENS',
      usage: { inputTokens: 40, outputTokens: 15, cachedInputTokens: 32, reasoningTokens: 5 },
    });
    const result = await provider.complete(request(), signal);
    expect(result.finishReason).toBe('MAX_TOKENS');
    expect(result.usage).toEqual({ inputTokens: 40, outputTokens: 15, cachedInputTokens: 32, reasoningTokens: 5 });
  });

  it('sends the model, system instruction, roles, temperature, max tokens and key the Gemini way', async () => {
    await provider.complete(request(), signal);
    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    expect(sent.method).toBe('POST');
    expect(sent.path).toMatch(new RegExp(`^/v1(beta)?/models/${MODEL}:generateContent$`));
    expect(sent.headers['x-goog-api-key']).toBe(API_KEY);
    const body = sent.body as GeminiRequestBody;
    expect(body.systemInstruction?.parts).toEqual([{ text: 'You are terse.' }]);
    expect(body.contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    expect(body.contents[2].parts).toEqual([{ text: 'And BullMQ?' }]);
    expect(body.generationConfig).toMatchObject({ temperature: 0.3, maxOutputTokens: 256 });
  });

  it('streams deltas in order and returns the joined text with the usage of the streamed call', async () => {
    const chunks = ['BullMQ ', 'is a queue ', 'on Redis.'];
    fake.reply({
      chunks,
      chunkDelayMs: 5,
      usage: { inputTokens: 30, outputTokens: 12, cachedInputTokens: 10, reasoningTokens: 4 },
    });
    const deltas: string[] = [];
    const result = await provider.complete(request({ stream: true }), signal, { onDelta: (d) => deltas.push(d) });
    expect(deltas).toEqual(chunks);
    expect(result).toEqual({
      text: 'BullMQ is a queue on Redis.',
      usage: { inputTokens: 30, outputTokens: 12, cachedInputTokens: 10, reasoningTokens: 4 },
      finishReason: 'STOP',
    });
    // Gemini streams over SSE only when asked with alt=sse; usage comes on every chunk without being asked.
    const [sent] = fake.requests;
    expect(sent.path).toMatch(new RegExp(`^/v1(beta)?/models/${MODEL}:streamGenerateContent\\?alt=sse$`));
    expect(sent.headers['x-goog-api-key']).toBe(API_KEY);
    expect((sent.body as GeminiRequestBody).generationConfig).toMatchObject({
      temperature: 0.3,
      maxOutputTokens: 256,
    });
  });

  it.each([
    [401, ErrorCategory.Auth],
    [403, ErrorCategory.Auth],
    [400, ErrorCategory.InvalidRequest],
    [500, ErrorCategory.ProviderUnavailable],
    [503, ErrorCategory.ProviderUnavailable],
  ])('maps HTTP %i to %s, naming the model, without retrying in the SDK', async (status, category) => {
    fake.reply({ status, errorMessage: `scripted ${status}` });
    for (const stream of [false, true]) {
      const error = await failureOf(provider.complete(request({ stream }), signal));
      expect(error.category).toBe(category);
      expect(error.message).toContain(MODEL_ID);
      expect(error.message).toContain(`scripted ${status}`);
    }
    expect(fake.requests).toHaveLength(2);
  });

  it('maps 429 to rate_limit with the retry delay Google sends', async () => {
    fake.reply({ status: 429, errorMessage: 'Quota exceeded', retryAfterSeconds: 7 });
    const error = await failureOf(provider.complete(request(), signal));
    expect(error.category).toBe(ErrorCategory.RateLimit);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.message).toContain(MODEL_ID);
    expect(fake.requests).toHaveLength(1);
  });

  it('rejects a stream cut off before the final chunk instead of returning partial text', async () => {
    fake.reply({ chunks: ['Half ', 'an answer'], cutOff: true });
    const deltas: string[] = [];
    const error = await failureOf(
      provider.complete(request({ stream: true }), signal, { onDelta: (d) => deltas.push(d) }),
    );
    expect(deltas).toEqual(['Half ', 'an answer']);
    expect(error.category).toBe(ErrorCategory.ProviderUnavailable);
    expect(error.message).toContain(MODEL_ID);
  });

  it('rejects a stream that closes cleanly without the finishReason chunk', async () => {
    // An empty scripted finish reason makes the fake leave the field out of its last chunk.
    fake.reply({ chunks: ['Looks ', 'complete'], finishReason: '' });
    const error = await failureOf(provider.complete(request({ stream: true }), signal));
    expect(error.category).toBe(ErrorCategory.ProviderUnavailable);
    expect(error.message).toContain(`${MODEL_ID}: stream ended without a finishReason`);
  });

  it('rejects a stream with malformed data', async () => {
    fake.reply({ chunks: ['One ', 'two ', 'three'], malformed: true });
    const error = await failureOf(provider.complete(request({ stream: true }), signal));
    expect(error.category).toBe(ErrorCategory.ProviderUnavailable);
    expect(error.message).toContain(MODEL_ID);
  });

  it.each([false, true])('rejects with timeout when the signal fires while waiting (stream: %s)', async (stream) => {
    fake.reply({ latencyMs: 1_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const error = await failureOf(provider.complete(request({ stream }), controller.signal));
    expect(error.category).toBe(ErrorCategory.Timeout);
    expect(error.message).toContain(MODEL_ID);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('refuses a call with tools without calling Gemini (not mapped yet)', async () => {
    const before = fake.requests.length;
    const error = await failureOf(provider.complete(toolRequest(MODEL), new AbortController().signal));
    expect(error.category).toBe(ErrorCategory.InvalidRequest);
    expect(error.message).toContain('tools are not supported for provider google');
    expect(fake.requests.length).toBe(before);
  });

  it('answers a body that is not JSON with 400 in Google error format', async () => {
    const response = await fetch(`${fake.url}/v1beta/models/${MODEL}:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': API_KEY },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 400, message: expect.any(String), status: 'INVALID_ARGUMENT' },
    });
  });
});
