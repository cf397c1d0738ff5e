import { ErrorCategory } from '@ultra/contracts';
import { FakeMistralServer } from '@ultra/fake-llm';
import type { LlmRequest } from '../llm-provider';
import { chatRequest, failureOf } from '../testing/provider-test-kit';
import { MistralProvider } from './mistral.provider';

const MODEL = 'mistral-small-latest';
const MODEL_ID = `mistral:${MODEL}`;

const request = (overrides: Partial<LlmRequest> = {}) => chatRequest(MODEL, overrides);
const failure = failureOf;

describe('MistralProvider against the Mistral fake', () => {
  const fake = new FakeMistralServer();
  let provider: MistralProvider;

  beforeAll(async () => {
    await fake.listen(0);
    provider = new MistralProvider({ id: 'mistral', apiKey: 'test-key', baseUrl: fake.url });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const signal = () => new AbortController().signal;

  describe('non-streaming', () => {
    it('returns the text, usage and finish reason', async () => {
      fake.reply({ text: 'Hello there.', usage: { inputTokens: 21, outputTokens: 4 }, finishReason: 'length' });

      const response = await provider.complete(request(), signal());

      expect(response).toEqual({
        text: 'Hello there.',
        usage: { inputTokens: 21, outputTokens: 4 },
        finishReason: 'length',
      });
    });

    it('reports cached and reasoning tokens', async () => {
      fake.reply({ usage: { inputTokens: 800, outputTokens: 40, cachedInputTokens: 768, reasoningTokens: 12 } });

      const { usage, finishReason } = await provider.complete(request(), signal());

      expect(usage).toEqual({ inputTokens: 800, outputTokens: 40, cachedInputTokens: 768, reasoningTokens: 12 });
      expect(finishReason).toBe('stop');
    });

    it('sends the model, system prompt, temperature, max tokens and key', async () => {
      await provider.complete(request(), signal());

      const [sent] = fake.requests;
      expect(sent).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
      expect(sent.headers.authorization).toBe('Bearer test-key');
      expect(sent.body).toMatchObject({
        model: MODEL,
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'What is Redis?' },
          { role: 'assistant', content: 'A key-value store.' },
          { role: 'user', content: 'And BullMQ?' },
        ],
        temperature: 0.3,
        max_tokens: 256,
        stream: false,
      });
    });

    it('accepts a base URL that already ends in /v1', async () => {
      const withV1 = new MistralProvider({ id: 'mistral', apiKey: 'test-key', baseUrl: `${fake.url}/v1/` });

      await expect(withV1.complete(request(), signal())).resolves.toMatchObject({ finishReason: 'stop' });
      expect(fake.requests[0].path).toBe('/v1/chat/completions');
    });
  });

  describe('streaming', () => {
    it('passes every delta in order and returns the joined text with the streamed usage', async () => {
      fake.reply({
        chunks: ['Bon', 'jour ', 'à ', 'tous.'],
        usage: { inputTokens: 30, outputTokens: 6, cachedInputTokens: 16, reasoningTokens: 2 },
      });
      const deltas: string[] = [];

      const response = await provider.complete(request({ stream: true }), signal(), {
        onDelta: (text) => deltas.push(text),
      });

      expect(deltas).toEqual(['Bon', 'jour ', 'à ', 'tous.']);
      expect(response).toEqual({
        text: 'Bonjour à tous.',
        usage: { inputTokens: 30, outputTokens: 6, cachedInputTokens: 16, reasoningTokens: 2 },
        finishReason: 'stop',
      });
    });

    it('omits cache and reasoning counts Mistral did not report', async () => {
      fake.reply({ text: 'Plain answer.', usage: { inputTokens: 9, outputTokens: 3 }, chunkDelayMs: 2 });

      const { usage } = await provider.complete(request({ stream: true }), signal());

      expect(usage).toEqual({ inputTokens: 9, outputTokens: 3 });
    });

    it('asks for a stream with the same request fields (usage comes in the final chunk unasked)', async () => {
      await provider.complete(request({ stream: true }), signal());

      const [sent] = fake.requests;
      expect(sent.headers.authorization).toBe('Bearer test-key');
      expect(sent.headers.accept).toBe('text/event-stream');
      expect(sent.body).toMatchObject({
        model: MODEL,
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user' },
          { role: 'assistant' },
          { role: 'user' },
        ],
        temperature: 0.3,
        max_tokens: 256,
        stream: true,
      });
    });

    it('rejects a cut-off stream as provider_unavailable instead of returning partial text', async () => {
      fake.reply({ chunks: ['partial ', 'answer'], cutOff: true });
      const deltas: string[] = [];

      const error = await failure(
        provider.complete(request({ stream: true }), signal(), { onDelta: (text) => deltas.push(text) }),
      );

      expect(error.category).toBe(ErrorCategory.ProviderUnavailable);
      expect(error.message).toContain(MODEL_ID);
      expect(deltas).toEqual(['partial ', 'answer']);
    });

    it('rejects a malformed stream as provider_unavailable', async () => {
      fake.reply({ chunks: ['one ', 'two'], malformed: true });

      const error = await failure(provider.complete(request({ stream: true }), signal()));

      expect(error.category).toBe(ErrorCategory.ProviderUnavailable);
      expect(error.message).toMatch(new RegExp(`^${MODEL_ID}: malformed data from Mistral: malformed json`));
    });

    it('maps an error status before the stream starts', async () => {
      fake.reply({ status: 503, errorMessage: 'Service overloaded' });

      const error = await failure(provider.complete(request({ stream: true }), signal()));

      expect(error.category).toBe(ErrorCategory.ProviderUnavailable);
      expect(error.message).toBe(`${MODEL_ID}: HTTP 503: Service overloaded`);
    });
  });

  describe('errors', () => {
    it.each([
      [401, 'Unauthorized', ErrorCategory.Auth],
      [500, 'Internal server error', ErrorCategory.ProviderUnavailable],
      [400, 'Invalid model: nope', ErrorCategory.InvalidRequest],
    ])('maps HTTP %i to its category with Mistral message and the model id', async (status, message, category) => {
      fake.reply({ status, errorMessage: message });

      const error = await failure(provider.complete(request(), signal()));

      expect(error.category).toBe(category);
      expect(error.message).toBe(`${MODEL_ID}: HTTP ${status}: ${message}`);
      expect(fake.requests).toHaveLength(1); // the SDK's own retries are off
    });

    it('maps 429 to rate_limit with the retry-after delay', async () => {
      fake.reply({ status: 429, errorMessage: 'Requests rate limit exceeded', retryAfterSeconds: 7 });

      const error = await failure(provider.complete(request(), signal()));

      expect(error.category).toBe(ErrorCategory.RateLimit);
      expect(error.retryAfterMs).toBe(7000);
      expect(error.message).toContain(MODEL_ID);
      expect(fake.requests).toHaveLength(1);
    });

    it.each([false, true])('rejects with timeout when the signal fires while waiting (stream: %s)', async (stream) => {
      fake.reply({ latencyMs: 400 });

      const error = await failure(provider.complete(request({ stream }), AbortSignal.timeout(40)));

      expect(error.category).toBe(ErrorCategory.Timeout);
      expect(error.message).toContain(MODEL_ID);
    });
  });

  describe('the fake', () => {
    it('answers a body that is not JSON with 400 in Mistral error format', async () => {
      const response = await fetch(`${fake.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{not json',
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ object: 'error', type: 'invalid_request_error' });
    });
  });
});
