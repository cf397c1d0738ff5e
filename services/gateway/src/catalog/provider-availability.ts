import { Inject, Injectable } from '@nestjs/common';
import { BuiltInProvider, type ModelStatus } from '@ultra/contracts';
import { APP_CONFIG, providerSettings, type ProviderSettings } from '@ultra/platform';
import type { GatewayConfig } from '../config/gateway.config';

/**
 * Whether a provider can serve calls: `mock` always; a vendor once its key is configured; an OpenAI-compatible
 * server from ULTRA_PROVIDERS_FILE when it needs no key or its key variable is set. Keys per user (BYOK) will
 * be consulted here too.
 */
@Injectable()
export class ProviderAvailability {
  private readonly providers: ReadonlyMap<string, ProviderSettings>;

  constructor(@Inject(APP_CONFIG) config: GatewayConfig) {
    this.providers = new Map(providerSettings(config).map((p) => [p.id, p]));
  }

  /**
   * Whether calls to `provider` on behalf of this user have a key: the one place preflight asks. Today the
   * server's keys; a user's own keys (BYOK) are to be consulted here.
   */
  hasKey(provider: string, _userId: string): boolean {
    return this.statusOf(provider) === 'ready';
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
