import { readFileSync } from 'node:fs';
import { type ModelCatalog, modelCatalogSchema } from '@ultra/contracts';

/**
 * The catalog file (ULTRA_MODELS_FILE) read and validated: what the worker's prices, fallbacks and sampling rules
 * come from. A broken file throws, which stops the worker at boot.
 */
export function readModelCatalog(file: string): ModelCatalog {
  return modelCatalogSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}
