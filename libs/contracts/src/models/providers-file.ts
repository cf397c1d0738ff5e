import { z } from 'zod';
import { BuiltInProvider, modelIdSchema } from './model-id';

const builtIn = new Set<string>(Object.values(BuiltInProvider));

/** One OpenAI-compatible server (Ollama, vLLM, LM Studio, OpenRouter, Groq, DeepSeek, Together, ...). */
export const compatibleProviderSchema = z.object({
  /** The provider part of its model ids: `ollama` → `ollama:llama3.2`. */
  id: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, 'lower-case letters, digits and -, starting with a letter')
    .refine((id) => !builtIn.has(id), 'must not be the id of a built-in provider'),
  displayName: z.string().min(1).optional(),
  /** The server's OpenAI-style base URL, usually ending in /v1. */
  baseUrl: z.url(),
  /** The name of the environment variable that holds its key; servers without auth need none. */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .optional(),
  models: z
    .array(
      z.object({
        name: z.string().min(1),
        displayName: z.string().min(1).optional(),
        contextWindow: z.number().int().positive().optional(),
        pricing: z
          .object({
            inputPerMTok: z.number().min(0),
            outputPerMTok: z.number().min(0),
            cachedInputPerMTok: z.number().min(0).optional(),
          })
          .optional(),
        /** Models that answer in this one's place when it cannot (as in the catalog). */
        fallbacks: z.array(modelIdSchema).max(5).optional(),
      }),
    )
    .min(1),
  /** Per-provider limits shared by every worker (requests and tokens per minute, calls at once). */
  limits: z
    .object({
      requestsPerMinute: z.number().int().min(1).optional(),
      tokensPerMinute: z.number().int().min(1).optional(),
      concurrency: z.number().int().min(1).optional(),
    })
    .optional(),
});
export type CompatibleProvider = z.infer<typeof compatibleProviderSchema>;

/** Schema of the file named by ULTRA_PROVIDERS_FILE. */
export const providersFileSchema = z.object({ providers: z.array(compatibleProviderSchema) });
export type ProvidersFile = z.infer<typeof providersFileSchema>;
