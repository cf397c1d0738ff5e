import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { followUpRequestSchema } from '@ultra/contracts';
import { z } from 'zod';
import type { GatewayConfig } from '../config/gateway.config';
import { analyzeRefusals, idempotencyHeaders, replayedHeader } from './analyses.openapi';
import { addRoute } from './api-route';
import { analysisSummary, analyzeAccepted } from './analysis.schemas';

const tag = 'threads';

/** `POST /api/analyses/{id}/follow-ups` and `GET /api/threads/{id}` (README: "Follow-ups and threads"). */
export function registerThreads(registry: OpenAPIRegistry, config: GatewayConfig): void {
  addRoute(registry, {
    method: 'post',
    path: '/api/analyses/{id}/follow-ups',
    tag,
    summary: 'Ask a follow-up question in the analysis’ thread',
    description:
      "A new analysis whose prompts carry the thread's earlier questions and final answers (`{{history}}`, at most " +
      'HISTORY_TOKEN_BUDGET tokens, oldest dropped first). Fields left out come from the analysis followed up; the ' +
      'merged body is checked like `POST /api/analyze`. The analysis followed up must have completed or failed.',
    headers: idempotencyHeaders,
    body: followUpRequestSchema(config.MAX_PROMPT_CHARS).meta({ id: 'FollowUpRequest' }),
    success: {
      status: 202,
      description: 'The follow-up is queued.',
      schema: analyzeAccepted
        .extend({ threadId: z.uuid(), parentAnalysisId: z.uuid() })
        .meta({ id: 'FollowUpAccepted' }),
      headers: replayedHeader,
    },
    errors: [
      'analysis_not_found',
      'follow_up_not_possible',
      ...analyzeRefusals,
      'idempotency_in_progress',
      'idempotency_conflict',
    ],
  });
  addRoute(registry, {
    method: 'get',
    path: '/api/threads/{id}',
    tag,
    summary: "A thread's analyses, oldest first",
    description: "A thread's id is the id of its first analysis. Another user's thread is 404.",
    success: {
      status: 200,
      description: 'The thread.',
      schema: z.object({ id: z.uuid(), analyses: z.array(analysisSummary) }).meta({ id: 'ThreadView' }),
    },
    errors: ['not_found'],
  });
}
