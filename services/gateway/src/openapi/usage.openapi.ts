import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { TIER_NAMES } from '../limits/tiers.config';
import type { UsageReport } from '../limits/daily-usage.service';
import { addRoute } from './api-route';

const usageReport = z
  .object({
    day: z.string().meta({ description: 'The UTC day counted, `yyyy-mm-dd`.' }),
    requests: z.number().int().meta({ description: 'Requests accepted today (refused ones are not counted).' }),
    analyses: z.number().int().meta({ description: 'Analyses, reruns and follow-ups started today.' }),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costUsd: z.number().meta({ description: "Today's cost of the caller's model outputs, as they are stored." }),
    limits: z
      .object({
        tier: z.enum(TIER_NAMES),
        requestsPerMinute: z.number().int(),
        analysesPerMinute: z.number().int(),
        dailyBudgetUsd: z.number(),
      })
      .meta({ id: 'TierLimits' }),
    resetsAt: z.string().meta({ description: 'ISO time of the next midnight UTC, when the counters start again.' }),
  })
  .meta({ id: 'UsageReport' }) satisfies z.ZodType<UsageReport>;

/** `GET /api/users/me/usage` (README: "Tiers and limits"). */
export function registerUsage(registry: OpenAPIRegistry): void {
  addRoute(registry, {
    method: 'get',
    path: '/api/users/me/usage',
    tag: 'users',
    summary: "Today's usage of the caller and the limits of their tier",
    description:
      'Counted per UTC day. Once `costUsd` reaches `limits.dailyBudgetUsd`, a new analysis (analyze, rerun, ' +
      'follow-up) answers 402 `budget_exhausted` until `resetsAt`.',
    success: { status: 200, description: 'The usage.', schema: usageReport },
  });
}
