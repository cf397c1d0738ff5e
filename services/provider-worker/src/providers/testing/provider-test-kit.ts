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
