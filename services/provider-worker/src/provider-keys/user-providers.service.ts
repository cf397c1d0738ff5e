import { Inject, Injectable } from '@nestjs/common';
import { ErrorCategory } from '@ultra/contracts';
import {
  APP_CONFIG,
  CallbackUrlRefusedError,
  checkCallbackUrl,
  KeyCipher,
  providerKeyAad,
  type ProviderSettings,
} from '@ultra/platform';
import { PinoLogger } from 'nestjs-pino';
import type { WorkerConfig } from '../config/worker.config';
import { type LlmProvider, ProviderError } from '../providers/llm-provider';
import { createProvider } from '../providers/provider-factory';
import { PROVIDER_SETTINGS } from '../providers/provider-registry';
import { UserKeysRepository } from './user-keys.repository';

/** An SDK client on a user's own key, and the base URL the user gave (checked again before every call). */
export interface UserProvider {
  provider: LlmProvider;
  userBaseUrl?: URL;
}

/** Entries beyond this are dropped oldest first: a worker serving many users keeps memory bounded. */
const MAX_ENTRIES = 10_000;

/**
 * Users' own provider keys on this worker: read from `provider_keys` and opened at call time, never queued or
 * put in Redis. The SDK client built on an opened key (or the absence of a key) is kept in memory for
 * PROVIDER_KEY_CACHE_MS, so a new, replaced or deleted key takes effect within that time.
 */
@Injectable()
export class UserProviders {
  private readonly cipher?: KeyCipher;
  private readonly settings: ReadonlyMap<string, ProviderSettings>;
  private readonly cache = new Map<string, { until: number; entry: UserProvider | null }>();

  constructor(
    private readonly keys: UserKeysRepository,
    @Inject(PROVIDER_SETTINGS) settings: ProviderSettings[],
    @Inject(APP_CONFIG) private readonly config: WorkerConfig,
    private readonly logger: PinoLogger,
  ) {
    this.cipher = config.KEY_ENCRYPTION_KEYS && new KeyCipher(config.KEY_ENCRYPTION_KEYS);
    this.settings = new Map(settings.map((s) => [s.id, s]));
  }

  /** The user's own client for `provider`, or null when they have none (or BYOK is off on this worker). */
  async of(userId: string, provider: string): Promise<UserProvider | null> {
    if (!this.keys.enabled || !this.cipher || !this.settings.has(provider)) return null;
    const cacheKey = `${userId}\u0000${provider}`;
    const hit = this.cache.get(cacheKey);
    if (hit && hit.until > Date.now()) return hit.entry;
    const entry = await this.load(userId, provider);
    this.cache.delete(cacheKey);
    this.cache.set(cacheKey, { until: Date.now() + this.config.PROVIDER_KEY_CACHE_MS, entry });
    if (this.cache.size > MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    if (entry) void this.keys.touch(userId, provider).catch(() => undefined);
    return entry;
  }

  /** The webhook SSRF check again, right before a call: DNS may answer differently than when the key was stored. */
  async checkBaseUrl(model: string, url: URL): Promise<void> {
    try {
      await checkCallbackUrl(url, this.config.PROVIDER_BASE_URL_ALLOW_HOSTS);
    } catch (error) {
      if (!(error instanceof CallbackUrlRefusedError)) throw error;
      throw new ProviderError(
        ErrorCategory.InvalidRequest,
        `${model}: your key's base URL is refused: ${error.reason}`,
      );
    }
  }

  private async load(userId: string, provider: string): Promise<UserProvider | null> {
    let stored;
    try {
      stored = await this.keys.find(userId, provider);
    } catch (error) {
      // Retried with backoff: falling back to the server's key would bill the server for the user's call.
      const cause = error instanceof Error ? error.message : String(error);
      throw new ProviderError(ErrorCategory.ProviderUnavailable, `${provider}: could not read your key (${cause})`);
    }
    if (!stored || !this.cipher) return null;
    let apiKey: string;
    try {
      apiKey = this.cipher.open(stored.sealed, providerKeyAad(userId, provider));
    } catch (error) {
      this.logger.warn({ provider, kid: stored.sealed.kid }, 'a stored provider key could not be opened');
      throw new ProviderError(
        ErrorCategory.Auth,
        `${provider}: your stored key could not be opened (${(error as Error).message})`,
      );
    }
    const settings = this.settings.get(provider) as ProviderSettings;
    const baseUrl = stored.baseUrl ?? settings.baseUrl;
    return {
      provider: createProvider({ ...settings, apiKey, baseUrl, ready: true }),
      ...(stored.baseUrl !== null && { userBaseUrl: new URL(stored.baseUrl) }),
    };
  }
}
