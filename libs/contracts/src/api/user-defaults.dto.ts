import { z } from 'zod';
import type { ModelId } from '../models/model-id';
import type { PatternId } from '../patterns/pattern-spec';
import { MAX_MODELS_PER_ANALYSIS } from './analysis.dto';

/** Longer than any model id (`provider:model` is at most 161 characters), so a real id is never refused for length. */
export const MAX_DEFAULT_MODEL_ID_CHARS = 200;

const modelField = (name: string) =>
  z
    .string({ error: `${name} must be a model id (a string)` })
    .min(1, `${name} must not be empty`)
    .max(MAX_DEFAULT_MODEL_ID_CHARS, `${name} must be at most ${MAX_DEFAULT_MODEL_ID_CHARS} characters`);

/**
 * Shape checks of `PUT /api/users/me/defaults`, the caller's default panel. Whether each model is in the catalog
 * (400 unknown_model), the ultra model is among the models and the pattern exists (400 unknown_pattern) is checked
 * by the gateway, with the codes of `POST /api/analyze`. Unknown fields are refused: the body replaces the whole panel.
 */
export const userDefaultsRequestSchema = z
  .object({
    models: z
      .array(modelField('each model'), { error: 'models must be an array of model ids' })
      .min(1, 'at least one model is required')
      .max(MAX_MODELS_PER_ANALYSIS, `at most ${MAX_MODELS_PER_ANALYSIS} models are allowed`)
      .refine((ids) => new Set(ids).size === ids.length, 'models must not contain duplicates'),
    /** One of `models`; the first of them when absent. */
    ultraModel: modelField('ultraModel').optional(),
    /** A built-in pattern or one of the caller's own; absent: each analysis uses the server's default pattern. */
    pattern: z
      .string({ error: 'pattern must be a pattern id (a string)' })
      .min(1, 'pattern must not be empty')
      .max(100, 'pattern must be at most 100 characters')
      .optional(),
  })
  .strict();
export type UserDefaultsRequest = z.infer<typeof userDefaultsRequestSchema>;

/** The caller's stored default panel, as validated when it was set (the catalog may have changed since). */
export interface UserDefaults {
  models: ModelId[];
  ultraModel: ModelId;
  /** null: the server's default pattern. */
  pattern: PatternId | null;
}

/** `GET` and `PUT /api/users/me/defaults`: the stored panel, or `{models: [], ultraModel: null, pattern: null}`. */
export interface UserDefaultsView {
  models: ModelId[];
  ultraModel: ModelId | null;
  pattern: PatternId | null;
}
