import { Inject, Injectable } from '@nestjs/common';
import { AuditEventType, type ProviderKeyRequest, type ProviderKeyView } from '@ultra/contracts';
import {
  ApiException,
  APP_CONFIG,
  CallbackUrlRefusedError,
  checkCallbackUrl,
  KeyCipher,
  providerKeyAad,
  providerSettings,
  ServiceUnavailableException,
  ValidationFailedException,
} from '@ultra/platform';
import { AuditService } from '../audit/audit.service';
import type { GatewayConfig } from '../config/gateway.config';
import type { ProviderKeyEntity } from './provider-key.entity';
import { ProviderKeysRepository } from './provider-keys.repository';

function viewOf(row: ProviderKeyEntity): ProviderKeyView {
  return {
    provider: row.provider,
    last4: row.last4,
    ...(row.baseUrl !== null && { baseUrl: row.baseUrl }),
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

/**
 * Users' own provider keys: sealed here with the current KEK before they are stored, never returned or logged. The
 * provider-worker opens them at call time; nothing else ever sees the plaintext.
 */
@Injectable()
export class ProviderKeysService {
  private readonly cipher?: KeyCipher;
  private readonly providers: readonly string[];
  private readonly allowHosts: ReadonlySet<string>;

  constructor(
    private readonly repository: ProviderKeysRepository,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) config: GatewayConfig,
  ) {
    this.cipher = config.KEY_ENCRYPTION_KEYS && new KeyCipher(config.KEY_ENCRYPTION_KEYS);
    this.providers = providerSettings(config).map((p) => p.id);
    this.allowHosts = config.PROVIDER_BASE_URL_ALLOW_HOSTS;
  }

  async put(userId: string, provider: string, request: ProviderKeyRequest): Promise<ProviderKeyView> {
    this.checkProvider(provider);
    if (!this.cipher) {
      throw new ServiceUnavailableException('provider keys are off on this server: KEY_ENCRYPTION_KEYS is not set');
    }
    if (request.baseUrl !== undefined) await this.checkBaseUrl(request.baseUrl);
    const sealed = this.cipher.seal(request.apiKey, providerKeyAad(userId, provider));
    const row = await this.repository.put({
      userId,
      provider,
      ...sealed,
      last4: request.apiKey.slice(-4),
      baseUrl: request.baseUrl ?? null,
    });
    // last4 only: the key itself never reaches the log.
    await this.audit.record({ type: AuditEventType.ProviderKeySet, userId, details: { provider, last4: row.last4 } });
    return viewOf(row);
  }

  async list(userId: string): Promise<ProviderKeyView[]> {
    return (await this.repository.listOf(userId)).map(viewOf);
  }

  async remove(userId: string, provider: string): Promise<void> {
    this.checkProvider(provider);
    if (!(await this.repository.remove(userId, provider))) {
      throw new ApiException('not_found', `no key for provider "${provider}" is stored`);
    }
    await this.audit.record({ type: AuditEventType.ProviderKeyDeleted, userId, details: { provider } });
  }

  private checkProvider(provider: string): void {
    if (this.providers.includes(provider)) return;
    throw new ValidationFailedException(`unknown provider "${provider}"`, [
      { path: 'provider', message: `provider must be one of ${this.providers.join(', ')}` },
    ]);
  }

  /** The SSRF check of webhooks: the worker checks again right before each call, as DNS may change. */
  private async checkBaseUrl(baseUrl: string): Promise<void> {
    try {
      await checkCallbackUrl(new URL(baseUrl), this.allowHosts);
    } catch (error) {
      if (!(error instanceof CallbackUrlRefusedError)) throw error;
      throw new ValidationFailedException(`baseUrl is refused: ${error.reason}`, [
        { path: 'baseUrl', message: `baseUrl is refused: ${error.reason}` },
      ]);
    }
  }
}
