import { z } from 'zod';

/** Vendors with a built-in adapter. OpenAI-compatible servers get their own provider id from config. */
export const BuiltInProvider = {
  OpenAI: 'openai',
  Anthropic: 'anthropic',
  Google: 'google',
  Mistral: 'mistral',
  Mock: 'mock',
} as const;
export type BuiltInProvider = (typeof BuiltInProvider)[keyof typeof BuiltInProvider];

const PROVIDER = '[a-z][a-z0-9-]{0,31}';
const MODEL = '[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}';
const MODEL_ID = new RegExp(`^(${PROVIDER}):(${MODEL})$`);

/** A model id is `provider:model`, e.g. `openai:gpt-4o-mini` or `mock:alpha`. */
export const modelIdSchema = z
  .string()
  .regex(MODEL_ID, 'model ids look like provider:model, e.g. openai:gpt-4o-mini or mock:alpha');
export type ModelId = z.infer<typeof modelIdSchema>;

export interface ParsedModelId {
  provider: string;
  name: string;
}

export function parseModelId(id: string): ParsedModelId {
  const match = MODEL_ID.exec(id);
  if (!match) throw new Error(`invalid model id "${id}": expected provider:model`);
  return { provider: match[1], name: match[2] };
}

/**
 * `ready`: calls can be made; `needs_key`: no API key is configured for its provider; `degraded`: its circuit
 * breaker (or its provider's) is open, so its calls go to its fallbacks or fail fast until a probe succeeds.
 */
export type ModelStatus = 'ready' | 'needs_key' | 'degraded';

/** One entry of `GET /api/available-models`. */
export interface ModelInfo {
  id: ModelId;
  provider: string;
  name: string;
  displayName: string;
  status: ModelStatus;
  /** Why the model is degraded (which breaker is open, since when, after what failures). */
  reason?: string;
  /** Models that answer in its place, in order (catalog `fallbacks`). */
  fallbacks: ModelId[];
  /** USD per million tokens, as the catalog states them; absent when it states none (calls then cost 0). */
  pricing?: { inputPerMTok: number; outputPerMTok: number };
}
