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
