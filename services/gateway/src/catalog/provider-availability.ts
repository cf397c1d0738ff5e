import { Inject, Injectable } from '@nestjs/common';
import { BuiltInProvider, type ModelStatus } from '@ultra/contracts';
import { APP_CONFIG, providerSettings, type ProviderSettings } from '@ultra/platform';
import type { GatewayConfig } from '../config/gateway.config';

/**
 * Whether a provider can serve calls: `mock` always; a vendor once its key is configured; an OpenAI-compatible
 * server from ULTRA_PROVIDERS_FILE when it needs no key or its key variable is set; and, for one user, any
 * provider they have stored their own key for (BYOK).
 */
@Injectable()
export class ProviderAvailability {
  private readonly providers: ReadonlyMap<string, ProviderSettings>;

  constructor(@Inject(APP_CONFIG) config: GatewayConfig) {
    this.providers = new Map(providerSettings(config).map((p) => [p.id, p]));
  }

  /**
   * Whether calls to `provider` on behalf of a user have a key: the server's, or one of `userKeys` (the providers
   * the user has stored a key for). The one place preflight asks.
   */
  hasKey(provider: string, userKeys: ReadonlySet<string>): boolean {
    return this.statusOf(provider) === 'ready' || (this.providers.has(provider) && userKeys.has(provider));
  }

  statusOf(provider: string): ModelStatus {
    if (provider === BuiltInProvider.Mock) return 'ready';
    return this.providers.get(provider)?.ready ? 'ready' : 'needs_key';
  }

  /** OpenAI-compatible servers and the models each declares, for the catalog. */
  compatibleProviders(): ProviderSettings[] {
    return [...this.providers.values()].filter((p) => p.kind === 'openai-compatible');
  }
}
