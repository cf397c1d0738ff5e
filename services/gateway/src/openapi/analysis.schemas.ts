import {
  type AnalysisPage,
  AnalysisStatus,
  type AnalysisSummary,
  type AnalysisView,
  type AnalyzeAccepted,
  analysisOptionsSchema,
  documentChunkUseSchema,
  documentTypeSchema,
  OutputStatus,
  outputErrorSchema,
  StageStatus,
  usageSchema,
} from '@ultra/contracts';
import { z } from 'zod';

// Response bodies of the analysis routes. The contracts declare them as TS interfaces; each schema here is typed
// against its interface, so a field added to one without the other fails to compile.

const timestamp = z.string().meta({ description: 'ISO 8601 date-time, UTC', example: '2025-01-31T12:00:00.000Z' });
const values = <T extends string>(o: Record<string, T>) => Object.values(o) as [T, ...T[]];

export const usageView = usageSchema.meta({ id: 'Usage' });

export const analyzeAccepted = z
  .object({ id: z.uuid(), status: z.literal('queued'), links: z.object({ self: z.string() }) })
  .meta({ id: 'AnalyzeAccepted' }) satisfies z.ZodType<AnalyzeAccepted>;

export const analysisSummary = z
  .object({
    id: z.uuid(),
    status: z.enum(values(AnalysisStatus)),
    pattern: z.string(),
    models: z.array(z.string()),
    ultraModel: z.string(),
    prompt: z.string(),
    createdAt: timestamp,
    updatedAt: timestamp,
    completedAt: timestamp.nullable(),
    threadId: z.uuid().optional().meta({ description: 'Its own id for a first analysis; shared by its follow-ups.' }),
    parentAnalysisId: z.uuid().nullable().optional().meta({ description: 'The analysis this one follows up.' }),
    // Totals of the analysis' outputs so far, cost included (the listing sums them per analysis).
    usage: usageView,
  })
  .meta({ id: 'AnalysisSummary' }) satisfies z.ZodType<AnalysisSummary>;

const outputView = z
  .object({
    model: z.string(),
    sample: z.number().int(),
    status: z.enum(values(OutputStatus)),
    text: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable().optional(),
    dataError: z.string().optional(),
    reused: z.boolean().optional(),
    cached: z.boolean().optional(),
    answeredBy: z.string().optional(),
    fallbackReason: z.string().optional(),
    repairedChars: z.number().int().optional(),
    error: outputErrorSchema.optional(),
    latencyMs: z.number().int(),
    usage: usageView,
  })
  .meta({ id: 'OutputView' });

const stageView = z
  .object({
    name: z.string().meta({ description: 'The stage id (kept under its old name for existing clients).' }),
    id: z.string(),
    label: z.string(),
    kind: z.enum(['generate', 'aggregate', 'skipped']),
    index: z.number().int().nullable().meta({ description: 'Run index; null for a stage that has not run.' }),
    round: z.number().int(),
    status: z.enum(values(StageStatus)),
    outputs: z.array(outputView),
    aggregate: z.record(z.string(), z.unknown()).optional(),
    note: z.string().optional(),
    usage: usageView,
  })
  .meta({ id: 'StageView' });

const analysisResult = z.object({ model: z.string(), text: z.string(), stage: z.string() }).catchall(z.unknown()).meta({
  id: 'AnalysisResult',
  description: 'The final answer plus the named data of the pattern (ranking, votes…).',
});

const webhookDelivery = z
  .object({
    url: z.string(),
    attempts: z.number().int(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().optional(),
    deliveredAt: timestamp.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

const analysisDocument = z
  .object({
    id: z.uuid(),
    name: z.string(),
    type: documentTypeSchema,
    truncated: z.boolean(),
    chunks: z.array(documentChunkUseSchema),
  })
  .meta({ id: 'AnalysisDocument' });

export const analysisView = analysisSummary
  .extend({
    stages: z.array(stageView),
    result: analysisResult.nullable(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    params: z.record(z.string(), z.number()),
    options: analysisOptionsSchema,
    sourceAnalysisId: z.uuid().nullable(),
    documents: z.array(analysisDocument).optional(),
    webhook: webhookDelivery.optional(),
  })
  .meta({ id: 'AnalysisView' }) satisfies z.ZodType<AnalysisView>;

export const analysisPage = z
  .object({ analyses: z.array(analysisSummary), nextCursor: z.string().nullable() })
  .meta({ id: 'AnalysisPage' }) satisfies z.ZodType<AnalysisPage>;
