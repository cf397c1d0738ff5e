import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AnalysisEstimate } from '@ultra/contracts';
import { z } from 'zod';
import { analyzeRefusals, analyzeRequestRef } from './analyses.openapi';
import { addRoute } from './api-route';

const range = z.object({ low: z.number(), high: z.number() }).meta({ id: 'Range' });
const tokens = { inputTokens: range, outputTokens: range };

const analysisEstimate = z
  .object({
    pattern: z.string(),
    params: z.record(z.string(), z.number()),
    calls: z.number().int(),
    stages: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        kind: z.enum(['generate', 'aggregate']),
        rounds: z.number().int(),
        calls: z.number().int(),
        ...tokens,
      }),
    ),
    models: z.array(z.object({ model: z.string(), calls: z.number().int(), ...tokens, costUsd: range })),
    total: z.object({ ...tokens, costUsd: range }),
    expectedDurationS: range,
    assumptions: z.array(z.string()),
  })
  .meta({ id: 'AnalysisEstimate' }) satisfies z.ZodType<AnalysisEstimate>;

export function registerEstimate(registry: OpenAPIRegistry): void {
  addRoute(registry, {
    method: 'post',
    path: '/api/analyze/estimate',
    tag: 'analyses',
    summary: 'What an analysis would cost and take, before it runs',
    description: 'The body of POST /api/analyze, refused with the same errors; every figure is a `{low, high}` range.',
    body: analyzeRequestRef,
    success: { status: 200, description: 'The estimate.', schema: analysisEstimate },
    // An estimate spends nothing: neither the request's maxCostUsd nor the daily budget refuses it.
    errors: analyzeRefusals.filter((code) => code !== 'budget_exceeded' && code !== 'budget_exhausted'),
  });
}
