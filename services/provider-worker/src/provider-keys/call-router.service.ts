import { Injectable } from '@nestjs/common';
import { BuiltInProvider, type ModelCallJob, parseModelId } from '@ultra/contracts';
import type { LlmProvider } from '../providers/llm-provider';
import { ProviderRegistry } from '../providers/provider-registry';
import { UserProviders } from './user-providers.service';

/** Which client a call goes through, and whose credentials it runs on (the response cache's key scope). */
export interface CallRoute {
  provider: LlmProvider;
  /** The model's name at its provider. */
  model: string;
  /** `user:<id>` on the user's own key; the task's own scope (the server's) otherwise. */
  keyScope?: string;
  /** A base URL the user gave: SSRF-checked again right before the call. */
  userBaseUrl?: URL;
}

/** A user's own key for a provider answers their calls before the server's (BYOK). */
@Injectable()
export class CallRouter {
  constructor(
    private readonly registry: ProviderRegistry,
    private readonly users: UserProviders,
  ) {}

  /** Throws a ProviderError naming the model when neither the user nor the server has a key for its provider. */
  async route(call: ModelCallJob, modelId: string): Promise<CallRoute> {
    const { provider, name } = parseModelId(modelId);
    const userId = call.options.userId;
    if (userId !== undefined && provider !== BuiltInProvider.Mock) {
      const own = await this.users.of(userId, provider);
      if (own) return { provider: own.provider, model: name, keyScope: `user:${userId}`, userBaseUrl: own.userBaseUrl };
    }
    const shared = this.registry.resolve(modelId);
    return { provider: shared.provider, model: shared.model, keyScope: call.options.keyScope };
  }

  /** Whether a fallback can be called for this task: the server has a key for it, or the user has. */
  async canCall(call: ModelCallJob, modelId: string): Promise<boolean> {
    if (this.registry.has(modelId)) return true;
    const userId = call.options.userId;
    if (userId === undefined) return false;
    return (await this.users.of(userId, parseModelId(modelId).provider).catch(() => null)) !== null;
  }
}
