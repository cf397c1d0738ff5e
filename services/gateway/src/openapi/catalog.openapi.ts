import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { ModelInfo } from '@ultra/contracts';
import { z } from 'zod';
import { addRoute } from './api-route';

const modelInfo = z
  .object({
    id: z.string().meta({ example: 'mock:alpha' }),
    provider: z.string(),
    name: z.string(),
    displayName: z.string(),
    status: z.enum(['ready', 'needs_key', 'degraded']),
    reason: z.string().optional().meta({ description: 'Why degraded: which breaker, since when, the next probe.' }),
    fallbacks: z.array(z.string()),
    pricing: z
      .object({ inputPerMTok: z.number(), outputPerMTok: z.number() })
      .optional()
      .meta({ description: 'USD per million input and output tokens; absent when the catalog states no price.' }),
  })
  .meta({ id: 'ModelInfo' }) satisfies z.ZodType<ModelInfo>;

export function registerCatalog(registry: OpenAPIRegistry): void {
  addRoute(registry, {
    method: 'get',
    path: '/api/available-models',
    tag: 'models',
    summary: 'The models of the catalog, with their status and fallbacks',
    success: { status: 200, description: 'The models.', schema: z.object({ models: z.array(modelInfo) }) },
  });
}
