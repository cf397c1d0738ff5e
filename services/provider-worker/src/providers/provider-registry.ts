import { Inject, Injectable } from '@nestjs/common';
import { ErrorCategory, parseModelId } from '@ultra/contracts';
import { LLM_PROVIDERS, type LlmProvider, ProviderError } from './llm-provider';

/** Injection token of the configured providers (keys, endpoints, declared models). */
export const PROVIDER_SETTINGS = Symbol('PROVIDER_SETTINGS');

/**
 * Finds the adapter for a model id's provider. Keys come from config now; keys per user (BYOK) plug in here by
 * resolving an adapter per call from the user's key instead of the shared one.
 */
@Injectable()
export class ProviderRegistry {
  private readonly byId: ReadonlyMap<string, LlmProvider>;

  constructor(@Inject(LLM_PROVIDERS) providers: LlmProvider[]) {
    this.byId = new Map(providers.map((p) => [p.id, p]));
  }

  /** Whether this worker can call the model's provider (a fallback on a provider without a key is skipped). */
  has(modelId: string): boolean {
    return this.byId.has(parseModelId(modelId).provider);
  }

  resolve(modelId: string): { provider: LlmProvider; model: string } {
    const { provider: providerId, name } = parseModelId(modelId);
    const provider = this.byId.get(providerId);
    if (!provider) {
      throw new ProviderError(
        ErrorCategory.InvalidRequest,
        `${modelId}: provider "${providerId}" has no key on this worker (ready: ${[...this.byId.keys()].join(', ')})`,
      );
    }
    return { provider, model: name };
  }
}
