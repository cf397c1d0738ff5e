import { readFileSync } from 'node:fs';
import { type CompatibleProvider, providersFileSchema } from '@ultra/contracts';
import { ConfigValidationError, type ProviderConfig } from './config';

export type ProviderKind = 'openai' | 'anthropic' | 'google' | 'mistral' | 'openai-compatible';

/** One provider as configured: what the worker needs to call it, and what the catalog needs to list it. */
export interface ProviderSettings {
  id: string;
  kind: ProviderKind;
  /** Undefined when no key is configured; a built-in provider is then `needs_key`. */
  apiKey?: string;
  baseUrl?: string;
  /** Whether calls can be made: a key for built-in providers; for compatible servers, the key they declare. */
  ready: boolean;
  displayName?: string;
  /** Models declared with an OpenAI-compatible server; built-in providers' models come from the catalog. */
  models?: CompatibleProvider['models'];
  /** Calls at once and requests/tokens per minute, shared by every worker (compatible servers only). */
  limits?: CompatibleProvider['limits'];
}

export class ProvidersFileError extends Error {
  constructor(file: string, detail: string) {
    super(`ULTRA_PROVIDERS_FILE ${file}: ${detail}`);
    this.name = 'ProvidersFileError';
  }
}

function readProvidersFile(file: string): CompatibleProvider[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ProvidersFileError(file, error instanceof Error ? error.message : String(error));
  }
  const parsed = providersFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ProvidersFileError(file, issues);
  }
  const ids = parsed.data.providers.map((p) => p.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new ProvidersFileError(file, `provider "${twice}" is declared twice`);
  return parsed.data.providers;
}

/**
 * Every provider Ultra can know of, from validated config: the four vendors (ready with a key) and the
 * OpenAI-compatible servers of ULTRA_PROVIDERS_FILE, whose keys are read from the variables they name.
 */
export function providerSettings(
  config: ProviderConfig,
  env: Record<string, string | undefined> = process.env,
): ProviderSettings[] {
  const builtIn = (
    id: Exclude<ProviderKind, 'openai-compatible'>,
    apiKey?: string,
    baseUrl?: string,
  ): ProviderSettings => ({
    id,
    kind: id,
    apiKey: apiKey || undefined,
    baseUrl,
    ready: Boolean(apiKey),
  });
  const compatible = config.ULTRA_PROVIDERS_FILE ? readProvidersFile(config.ULTRA_PROVIDERS_FILE) : [];
  return [
    builtIn('openai', config.OPENAI_API_KEY, config.OPENAI_BASE_URL),
    builtIn('anthropic', config.ANTHROPIC_API_KEY, config.ANTHROPIC_BASE_URL),
    builtIn('google', config.GOOGLE_API_KEY, config.GOOGLE_BASE_URL),
    builtIn('mistral', config.MISTRAL_API_KEY, config.MISTRAL_BASE_URL),
    ...compatible.map((p): ProviderSettings => {
      const apiKey = p.apiKeyEnv ? env[p.apiKeyEnv] || undefined : undefined;
      return {
        id: p.id,
        kind: 'openai-compatible',
        apiKey,
        baseUrl: p.baseUrl,
        ready: !p.apiKeyEnv || Boolean(apiKey),
        displayName: p.displayName,
        models: p.models,
        limits: p.limits,
      };
    }),
  ];
}

/** providerSettings for a service's boot: a bad providers file is a configuration error like any bad variable. */
export function loadProviderSettings(service: string, config: ProviderConfig): ProviderSettings[] {
  try {
    return providerSettings(config);
  } catch (error) {
    if (!(error instanceof ProvidersFileError)) throw error;
    throw new ConfigValidationError(service, [{ variable: 'ULTRA_PROVIDERS_FILE', message: error.message }]);
  }
}
