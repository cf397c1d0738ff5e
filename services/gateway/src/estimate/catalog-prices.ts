import { providerSettings } from '@ultra/platform';
import { loadCatalog } from '../catalog/catalog.loader';
import type { GatewayConfig } from '../config/gateway.config';
import type { ModelPrice } from './analysis-estimator';

/**
 * USD per million tokens for every model with a price: the catalog's, then those declared with OpenAI-compatible
 * servers — the same table the provider-worker bills by, so an estimate and the real cost use one price.
 */
export function catalogPrices(config: GatewayConfig): Map<string, ModelPrice> {
  const prices = new Map<string, ModelPrice>();
  for (const entry of loadCatalog(config.ULTRA_MODELS_FILE).models) prices.set(entry.id, entry.pricing);
  for (const provider of providerSettings(config)) {
    for (const model of provider.models ?? []) {
      if (model.pricing) prices.set(`${provider.id}:${model.name}`, model.pricing);
    }
  }
  return prices;
}
