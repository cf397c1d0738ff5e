import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { analysisListQuerySchema, analyzeRequestSchema, rerunRequestSchema } from '@ultra/contracts';
import { z } from 'zod';
import type { GatewayConfig } from '../config/gateway.config';
import { addRoute } from './api-route';
import { analysisPage, analysisView, analyzeAccepted } from './analysis.schemas';

const tag = 'analyses';

export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({ description: 'The same key from the same user within IDEMPOTENCY_TTL_S gets the first answer again.' }),
});
export const replayedHeader = z.object({
  'idempotent-replayed': z.literal('true').optional().meta({ description: 'This is the first answer to the key.' }),
});

/** The body of POST /api/analyze, registered by registerAnalyses. */
export const analyzeRequestRef = { 'application/json': { schema: { $ref: '#/components/schemas/AnalyzeRequest' } } };

/** Codes of a refused analyze body beyond validation_failed: what the validator checks against catalog and patterns. */
export const analyzeRefusals = [
  'unknown_model',
  'model_unavailable',
  'unknown_pattern',
  'unknown_document',
  'budget_exceeded',
  'budget_exhausted',
] as const;

export function registerAnalyses(registry: OpenAPIRegistry, config: GatewayConfig): void {
  // Built from the configuration (MAX_PROMPT_CHARS), so registered per document rather than named at import.
  const analyzeRequest = registry.register('AnalyzeRequest', analyzeRequestSchema(config.MAX_PROMPT_CHARS));
  addRoute(registry, {
    method: 'post',
    path: '/api/analyze',
    tag,
    summary: 'Start an analysis',
    description:
      'Runs the prompt through the models under a pattern (default `confidence`; `ultraModel` defaults to the first ' +
      'model). Nothing is stored or queued when it is refused. A 503 means nothing was queued: retry it.',
    headers: idempotencyHeaders,
    body: analyzeRequest,
    success: { status: 202, description: 'Queued.', schema: analyzeAccepted, headers: replayedHeader },
    errors: [...analyzeRefusals, 'idempotency_in_progress', 'idempotency_conflict'],
  });
  addRoute(registry, {
    method: 'get',
    path: '/api/analyses',
    tag,
    summary: "The caller's analyses, newest first, filtered and paged",
    query: analysisListQuerySchema,
    success: {
      status: 200,
      description: 'A page, each analysis with its usage totals (tokens, cost); pass `nextCursor` back as `cursor`.',
      schema: analysisPage,
    },
  });
  addRoute(registry, {
    method: 'get',
    path: '/api/analyses/{id}',
    tag,
    summary: 'An analysis with every stage run, output, usage and result',
    description: "Right after the 202 it answers `queued`, never 404. Another user's analysis is 404.",
    success: { status: 200, description: 'The analysis.', schema: analysisView },
    errors: ['analysis_not_found'],
  });
  addRoute(registry, {
    method: 'post',
    path: '/api/analyses/{id}/cancel',
    tag,
    summary: 'Cancel a queued or running analysis',
    description: 'The calls in flight are aborted; the analysis ends as `failed` with `error.code` `cancelled`.',
    success: {
      status: 202,
      description: 'Cancelling.',
      schema: z.object({ id: z.uuid(), status: z.literal('cancelling') }).meta({ id: 'CancelAccepted' }),
    },
    errors: ['analysis_not_found', 'analysis_ended'],
  });
  addRoute(registry, {
    method: 'post',
    path: '/api/analyses/{id}/rerun',
    tag,
    summary: 'Run an analysis again from one of its stages',
    description: 'Reuses the stored outputs of every stage run before `fromStage` (cost 0) and runs the rest.',
    headers: idempotencyHeaders,
    body: rerunRequestSchema.meta({ id: 'RerunRequest' }),
    success: {
      status: 202,
      description: 'The new analysis is queued.',
      schema: analyzeAccepted.extend({ sourceAnalysisId: z.uuid() }).meta({ id: 'RerunAccepted' }),
      headers: replayedHeader,
    },
    errors: [
      'analysis_not_found',
      'rerun_not_possible',
      'model_unavailable',
      'budget_exhausted',
      'idempotency_in_progress',
      'idempotency_conflict',
    ],
  });
}
