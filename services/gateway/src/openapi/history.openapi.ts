import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { analysisDeleteQuerySchema, analysisExportQuerySchema } from '@ultra/contracts';
import { z } from 'zod';
import { addRoute } from './api-route';
import { analysisView } from './analysis.schemas';

const tag = 'analyses';

/** History beyond the listing (whose filters are in analyses.openapi.ts): deleting and exporting an analysis. */
export function registerHistory(registry: OpenAPIRegistry): void {
  addRoute(registry, {
    method: 'delete',
    path: '/api/analyses/{id}',
    tag,
    summary: 'Delete an analysis with its stage runs and outputs',
    description:
      'An analysis that is queued or running is refused (409 `analysis_running`) unless `cancel=1`: then it is ' +
      'cancelled first (as POST /cancel) and deleted; what its calls still send later stores nothing.',
    query: analysisDeleteQuerySchema,
    success: { status: 204, description: 'Deleted.' },
    errors: ['analysis_not_found', 'analysis_running'],
  });
  const text = z.string();
  addRoute(registry, {
    method: 'get',
    path: '/api/analyses/{id}/export',
    tag,
    summary: 'Download an analysis as JSON, Markdown or CSV',
    description:
      'json: the view of GET /api/analyses/{id}. markdown: the question, the final answer, then each stage run ' +
      "with each model's output (or error), usage and cost, and the totals. csv (RFC 4180, UTF-8, a header row): " +
      'one row per output with analysis_id, stage, stage_index, round, model, sample, status, input_tokens, ' +
      'output_tokens, cost_usd, latency_ms, error_category, text.',
    query: analysisExportQuerySchema,
    success: {
      status: 200,
      description: 'The file, as an attachment.',
      content: {
        'application/json': { schema: analysisView },
        'text/markdown': { schema: text },
        'text/csv': { schema: text },
      },
      headers: z.object({
        'content-disposition': z
          .string()
          .meta({ description: '`attachment; filename="ultra-<first 8 of the id>-<yyyymmdd created>.<json|md|csv>"`' }),
      }),
    },
    errors: ['analysis_not_found'],
  });
}
