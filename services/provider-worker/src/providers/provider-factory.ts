import type { ProviderSettings } from '@ultra/platform';
import { AnthropicProvider } from './anthropic/anthropic.provider';
import { GoogleProvider } from './google/google.provider';
import type { LlmProvider } from './llm-provider';
import { MistralProvider } from './mistral/mistral.provider';
import { OpenAiProvider } from './openai/openai.provider';

/** Servers without auth (a local Ollama, say) still need a non-empty key for the OpenAI SDK. */
const NO_KEY = 'not-needed';

/** The adapter for one configured provider; OpenAI-compatible servers use the OpenAI adapter under their own id. */
export function createProvider(settings: ProviderSettings): LlmProvider {
  const options = { id: settings.id, apiKey: settings.apiKey ?? NO_KEY, baseUrl: settings.baseUrl };
  switch (settings.kind) {
    case 'openai':
    case 'openai-compatible':
      return new OpenAiProvider(options);
    case 'anthropic':
      return new AnthropicProvider(options);
    case 'google':
      return new GoogleProvider(options);
    case 'mistral':
      return new MistralProvider(options);
  }
}
