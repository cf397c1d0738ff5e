import { Inject, Injectable } from '@nestjs/common';
import { type ModelInfo, parseModelId } from '@ultra/contracts';
import { APP_CONFIG } from '@ultra/platform';
import type { GatewayConfig } from '../config/gateway.config';
import { loadCatalog } from './catalog.loader';
import { ProviderAvailability } from './provider-availability';

/** USD per million tokens, as the catalog states them. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

const priceOf = ({ inputPerMTok, outputPerMTok }: ModelPrice): ModelPrice => ({ inputPerMTok, outputPerMTok });

/**
 * The models the gateway offers, read once at boot, each with whether its provider can serve it and its price
 * (the same table the provider-worker bills by, so an estimate and the real cost use one price).
 */
@Injectable()
export class CatalogService {
  private readonly models: readonly ModelInfo[];
  private readonly byId: ReadonlyMap<string, ModelInfo>;
  private readonly prices = new Map<string, ModelPrice>();

  constructor(@Inject(APP_CONFIG) config: GatewayConfig, availability: ProviderAvailability) {
    const catalog = loadCatalog(config.ULTRA_MODELS_FILE).models.map((entry): ModelInfo => {
      const { provider, name } = parseModelId(entry.id);
      this.prices.set(entry.id, entry.pricing);
      return {
        id: entry.id,
        provider,
        name,
        displayName: entry.displayName,
        status: availability.statusOf(provider),
        fallbacks: entry.fallbacks,
        pricing: priceOf(entry.pricing),
      };
    });
    // Models declared with OpenAI-compatible servers join the catalog under their server's id.
    const compatible = availability.compatibleProviders().flatMap((p) =>
      (p.models ?? []).map((m): ModelInfo => {
        if (m.pricing) this.prices.set(`${p.id}:${m.name}`, m.pricing);
        return {
          id: `${p.id}:${m.name}`,
          provider: p.id,
          name: m.name,
          displayName: m.displayName ?? `${p.displayName ?? p.id} ${m.name}`,
          status: availability.statusOf(p.id),
          fallbacks: m.fallbacks ?? [],
          ...(m.pricing && { pricing: priceOf(m.pricing) }),
        };
      }),
    );
    this.models = [...catalog, ...compatible];
    this.byId = new Map(this.models.map((model) => [model.id, model]));
  }

  list(): ModelInfo[] {
    return [...this.models];
  }

  find(id: string): ModelInfo | undefined {
    return this.byId.get(id);
  }

  /** A model's price, or undefined when the catalog states none (its calls then cost 0). */
  priceOf(id: string): ModelPrice | undefined {
    return this.prices.get(id);
  }
}
