import { ConfigValidationError, type ProviderSettings } from '@ultra/platform';
import { readModelCatalog } from '../catalog/model-catalog-file';

/** Each model's fallbacks, in the order they are tried; models without any are absent. */
export type FallbackChains = ReadonlyMap<string, readonly string[]>;

/**
 * The fallbacks of every known model, read from the catalog file as PricingService reads its prices, then from the
 * models declared with OpenAI-compatible servers. Checked at boot: a fallback must be a known model other than the
 * model itself, so a typo is a configuration error rather than a fallback that silently never answers.
 */
export function fallbackChains(modelsFile: string, providers: ProviderSettings[]): FallbackChains {
  const catalog = readModelCatalog(modelsFile);
  const declared = new Map<string, readonly string[]>();
  for (const entry of catalog.models) declared.set(entry.id, entry.fallbacks);
  for (const provider of providers) {
    for (const model of provider.models ?? []) declared.set(`${provider.id}:${model.name}`, model.fallbacks ?? []);
  }
  const problems: string[] = [];
  const chains = new Map<string, readonly string[]>();
  for (const [model, fallbacks] of declared) {
    for (const fallback of fallbacks) {
      if (fallback === model) problems.push(`${model} names itself as its fallback`);
      else if (!declared.has(fallback)) problems.push(`${model} falls back to ${fallback}, which is not a known model`);
    }
    if (new Set(fallbacks).size !== fallbacks.length) problems.push(`${model} names a fallback twice`);
    if (fallbacks.length) chains.set(model, fallbacks);
  }
  if (problems.length) throw new Error(problems.join('; '));
  return chains;
}

/** fallbackChains for a service's boot: a bad chain is a configuration error naming the file. */
export function loadFallbackChains(service: string, modelsFile: string, providers: ProviderSettings[]): FallbackChains {
  try {
    return fallbackChains(modelsFile, providers);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigValidationError(service, [{ variable: 'ULTRA_MODELS_FILE', message: `${modelsFile}: ${message}` }]);
  }
}
