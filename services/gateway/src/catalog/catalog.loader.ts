import { readFileSync } from 'node:fs';
import { type ModelCatalog, modelCatalogSchema } from '@ultra/contracts';
import { ConfigValidationError } from '@ultra/platform';
import { SERVICE_NAME } from '../config/gateway.config';

function invalid(file: string, messages: string[]): ConfigValidationError {
  return new ConfigValidationError(
    SERVICE_NAME,
    messages.map((message) => ({ variable: 'ULTRA_MODELS_FILE', message: `${file}: ${message}` })),
  );
}

/**
 * Reads and validates the model catalog at boot. A bad file stops the service with a list of what is wrong,
 * which runService prints without a stack trace.
 */
export function loadCatalog(file: string): ModelCatalog {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw invalid(file, [`cannot read the model catalog: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const parsed = modelCatalogSchema.safeParse(json);
  if (!parsed.success) {
    throw invalid(
      file,
      parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const { id } of parsed.data.models) {
    if (seen.has(id)) duplicates.push(id);
    seen.add(id);
  }
  if (duplicates.length) throw invalid(file, [`duplicate model ids: ${duplicates.join(', ')}`]);
  return parsed.data;
}
