import { Injectable } from '@nestjs/common';
import type { ModelInfo } from '@ultra/contracts';
import { type BreakerSnapshots, BreakerStatus, describeBreaker } from './breaker-status.service';
import { ProviderKeysRepository } from '../provider-keys/provider-keys.repository';
import { CatalogService } from './catalog.service';
import { ProviderAvailability } from './provider-availability';

const NO_KEYS: ReadonlySet<string> = new Set();

/** Whether each model of the catalog can take calls for one user now: keys and circuit breakers. */
export class ModelReadiness {
  constructor(
    private readonly catalog: CatalogService,
    private readonly availability: ProviderAvailability,
    private readonly breakers: BreakerSnapshots,
    /** The providers the user has their own key for. */
    private readonly userKeys: ReadonlySet<string>,
  ) {}

  /** The model as `/api/available-models` shows it to this user: `degraded`, with the reason, behind a breaker. */
  info(model: ModelInfo): ModelInfo {
    if (!this.hasKey(model)) return { ...model, status: 'needs_key' };
    const breaker = this.breakers.of(model);
    if (breaker) return { ...model, status: 'degraded', reason: describeBreaker(breaker) };
    return { ...model, status: 'ready' };
  }

  /**
   * Why a known model cannot be used for an analysis, or undefined when it can: its provider has no key, or an
   * open breaker makes its calls fail fast and none of its fallbacks exists, has a key and has a closed breaker.
   */
  unusable(model: ModelInfo): string | undefined {
    if (!this.hasKey(model)) return `provider "${model.provider}" is not configured (needs_key)`;
    const blocking = this.breakers.blocking(model);
    if (!blocking) return undefined;
    const fallbacks = model.fallbacks.map((id) => ({ id, problem: this.fallbackProblem(id) }));
    if (fallbacks.some(({ problem }) => problem === undefined)) return undefined;
    const why = fallbacks.length
      ? `none of its fallbacks can answer (${fallbacks.map(({ id, problem }) => `"${id}" ${problem}`).join('; ')})`
      : 'it has no fallbacks';
    return `${describeBreaker(blocking)}, and ${why}`;
  }

  private fallbackProblem(id: string): string | undefined {
    const fallback = this.catalog.find(id);
    if (!fallback) return 'is not in the catalog';
    if (!this.hasKey(fallback)) return `needs a key (provider "${fallback.provider}" is not configured)`;
    const breaker = this.breakers.of(fallback);
    return breaker ? `is degraded: ${describeBreaker(breaker)}` : undefined;
  }

  private hasKey(model: ModelInfo): boolean {
    return this.availability.hasKey(model.provider, this.userKeys);
  }
}

/**
 * The one place that decides whether models can be used: the catalog, the keys (ProviderAvailability, with the
 * user's own from provider_keys) and the
 * breakers the provider-workers share in Redis. Read once per request; the breaker read is cached for a second.
 */
@Injectable()
export class ModelPreflight {
  constructor(
    private readonly catalog: CatalogService,
    private readonly availability: ProviderAvailability,
    private readonly breakers: BreakerStatus,
    private readonly providerKeys: ProviderKeysRepository,
  ) {}

  /**
   * With `models`, readiness for those (and their fallbacks) only: the user's own keys are read from Postgres only
   * when one of their providers has no server key, which spares most analyses that read.
   */
  async readiness(userId: string, models?: readonly ModelInfo[]): Promise<ModelReadiness> {
    const userKeys = models && !this.needUserKeys(models) ? NO_KEYS : this.providerKeys.providersOf(userId);
    const [snapshots, keys] = await Promise.all([this.breakers.snapshots(), userKeys]);
    return new ModelReadiness(this.catalog, this.availability, snapshots, keys);
  }

  private needUserKeys(models: readonly ModelInfo[]): boolean {
    const fallbacks = models.flatMap((m) => m.fallbacks.flatMap((id) => this.catalog.find(id) ?? []));
    return [...models, ...fallbacks].some((m) => !this.availability.hasKey(m.provider, NO_KEYS));
  }

  /** `GET /api/available-models` for this user. */
  async list(userId: string): Promise<ModelInfo[]> {
    const readiness = await this.readiness(userId);
    return this.catalog.list().map((model) => readiness.info(model));
  }
}
