import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LlmRequest, ProviderError } from '../llm-provider';

/** A request with every passthrough field set (system prompt, history, temperature, max tokens), for adapter tests. */
export function chatRequest(model: string, overrides: Partial<LlmRequest> = {}): LlmRequest {
  return {
    model,
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'What is Redis?' },
      { role: 'assistant', content: 'A key-value store.' },
      { role: 'user', content: 'And BullMQ?' },
    ],
    temperature: 0.3,
    maxOutputTokens: 256,
    stream: false,
    ...overrides,
  };
}

/** A weather tool with a required string argument (the fakes call it with `{"city":"Paris"}`). */
export const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'The current weather in a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/** A request that offers the weather tool; `answered` continues the conversation past the model's call and its result. */
export function toolRequest(model: string, answered = false, overrides: Partial<LlmRequest> = {}): LlmRequest {
  const question = { role: 'user' as const, content: 'What is the weather in Paris?' };
  const turns = answered
    ? [
        question,
        {
          role: 'assistant' as const,
          content: '',
          toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
        },
        { role: 'tool' as const, content: '18°C and sunny', toolCallId: 'call_1' },
      ]
    : [question];
  return {
    model,
    messages: [{ role: 'system', content: 'You are terse.' }, ...turns],
    stream: false,
    tools: [WEATHER_TOOL],
    toolChoice: 'auto',
    ...overrides,
  };
}

/** The ProviderError a call rejects with; fails the test if it resolves or rejects with anything else. */
export async function failureOf(call: Promise<unknown>): Promise<ProviderError> {
  const outcome = await call.then(
    () => new Error('the call resolved'),
    (error: unknown) => error,
  );
  if (outcome instanceof ProviderError) return outcome;
  throw outcome;
}

/**
 * The Google SDK sends Node's fetch through a wrapper of undici's global dispatcher, which it looks up on
 * `globalThis`. Jest runs each test file in its own vm realm, whose global lacks it (it lives on the process's
 * real global), so share it: `fetch` comes from the real realm, and its Function constructor evaluates there.
 */
export function shareUndiciDispatcherWithJestRealm(): void {
  const key = Symbol.for('undici.globalDispatcher.1');
  const RealFunction = fetch.constructor as new (body: string) => () => Record<symbol, unknown>;
  const realGlobal = new RealFunction('return globalThis')();
  (globalThis as unknown as Record<symbol, unknown>)[key] ??= realGlobal[key];
}

/** A JSON file in a fresh temporary directory (a catalog or a providers file for one test file). */
export function jsonFile(name: string, content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'ultra-worker-')), name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}
