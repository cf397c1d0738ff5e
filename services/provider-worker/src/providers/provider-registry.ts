import { Inject, Injectable } from '@nestjs/common';
import { ErrorCategory, parseModelId } from '@ultra/contracts';
import { LLM_PROVIDERS, type LlmProvider, ProviderError } from './llm-provider';

/** Finds the adapter for a model id's provider. Provider keys per user (BYOK) will plug in here. */
@Injectable()
export class ProviderRegistry {
  private readonly byId: ReadonlyMap<string, LlmProvider>;

  constructor(@Inject(LLM_PROVIDERS) providers: LlmProvider[]) {
    this.byId = new Map(providers.map((p) => [p.id, p]));
  }

  resolve(modelId: string): { provider: LlmProvider; model: string } {
    const { provider: providerId, name } = parseModelId(modelId);
    const provider = this.byId.get(providerId);
    if (!provider) {
      throw new ProviderError(
        ErrorCategory.InvalidRequest,
        `${modelId}: provider "${providerId}" is not configured on this worker (available: ${[...this.byId.keys()].join(', ')})`,
      );
    }
    return { provider, model: name };
  }
}
