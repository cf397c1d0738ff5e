import { z } from 'zod';
import { modelIdSchema } from './model-id';

/** Schema of the model catalog file (`config/models.json`, or the file named by ULTRA_MODELS_FILE). */
export const catalogEntrySchema = z.object({
  id: modelIdSchema,
  displayName: z.string().min(1),
  contextWindow: z.number().int().positive(),
  pricing: z.object({
    inputPerMTok: z.number().min(0),
    outputPerMTok: z.number().min(0),
    /** Price of prompt tokens served from the provider's cache; inputPerMTok when absent. */
    cachedInputPerMTok: z.number().min(0).optional(),
  }),
  capabilities: z.array(z.string()).default([]),
  /**
   * false for a model that refuses sampling parameters (OpenAI's GPT-6 line answers 400 to `temperature` while its
   * reasoning is on): the worker then sends none, so a pattern's or request's temperature does not apply to it.
   */
  sampling: z.boolean().default(true),
  /**
   * Models that answer in this one's place, in order, when its circuit is open or its call fails for good
   * (e.g. `openai:gpt-4.1` → `anthropic:claude-sonnet-4-6`). The output records which model answered and why.
   */
  fallbacks: z.array(modelIdSchema).max(5).default([]),
});
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;

export const modelCatalogSchema = z.object({
  models: z.array(catalogEntrySchema).min(1),
});
export type ModelCatalog = z.infer<typeof modelCatalogSchema>;
