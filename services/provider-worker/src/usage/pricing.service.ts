import { Inject, Injectable } from '@nestjs/common';
import type { CatalogEntry } from '@ultra/contracts';
import { APP_CONFIG, type ProviderSettings } from '@ultra/platform';
import { readModelCatalog } from '../catalog/model-catalog-file';
import type { WorkerConfig } from '../config/worker.config';
import type { LlmUsage } from '../providers/llm-provider';
import { PROVIDER_SETTINGS } from '../providers/provider-registry';

type Pricing = CatalogEntry['pricing'];

/**
 * USD per million tokens for every known model: the catalog's prices, then those declared with OpenAI-compatible
 * servers. A model without a price costs 0, so an unpriced local model never blocks an analysis.
 */
@Injectable()
export class PricingService {
  private readonly prices = new Map<string, Pricing>();

  constructor(@Inject(APP_CONFIG) config: WorkerConfig, @Inject(PROVIDER_SETTINGS) providers: ProviderSettings[]) {
    const catalog = readModelCatalog(config.ULTRA_MODELS_FILE);
    for (const entry of catalog.models) this.prices.set(entry.id, entry.pricing);
    for (const provider of providers) {
      for (const model of provider.models ?? []) {
        if (model.pricing) this.prices.set(`${provider.id}:${model.name}`, model.pricing);
      }
    }
  }

  /** Cached prompt tokens are billed at the cached rate when the catalog has one. */
  costOf(modelId: string, usage: LlmUsage): number {
    const price = this.prices.get(modelId);
    if (!price) return 0;
    const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
    const cachedRate = price.cachedInputPerMTok ?? price.inputPerMTok;
    const usd =
      ((usage.inputTokens - cached) * price.inputPerMTok +
        cached * cachedRate +
        usage.outputTokens * price.outputPerMTok) /
      1_000_000;
    // Rounded to a millionth of a cent: sums of many outputs stay exact enough and free of float noise.
    return Math.round(usd * 1e8) / 1e8;
  }
}
