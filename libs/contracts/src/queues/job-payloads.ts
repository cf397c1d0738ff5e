import { z } from 'zod';
import { errorCategorySchema } from '../errors/error-codes';
import { modelIdSchema } from '../models/model-id';
import { patternIds, stageNames } from '../patterns/patterns';

/** Bumped when a payload changes incompatibly; consumers reject versions they do not know. */
export const SCHEMA_VERSION = 1;

const envelope = {
  schemaVersion: z.literal(SCHEMA_VERSION),
  analysisId: z.uuid(),
  /** Correlation id of the HTTP request that started the analysis; carried into every log line. */
  requestId: z.string().min(1).max(200),
};

export const stageNameSchema = z.enum(stageNames);
export const patternIdSchema = z.enum(patternIds);

export const analysisSpecSchema = z.object({
  prompt: z.string().min(1),
  models: z.array(modelIdSchema).min(1),
  ultraModel: modelIdSchema,
  pattern: patternIdSchema,
});
export type AnalysisSpec = z.infer<typeof analysisSpecSchema>;

export const usageSchema = z.object({
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  /** Part of inputTokens the provider served from its prompt cache, where it reports them. */
  cachedInputTokens: z.number().int().min(0).optional(),
  /** Hidden reasoning tokens (part of outputTokens), where the provider reports them. */
  reasoningTokens: z.number().int().min(0).optional(),
  /** Price of these tokens in USD from the pricing table; 0 for models without a price. */
  costUsd: z.number().min(0).optional(),
});
export type Usage = z.infer<typeof usageSchema>;

export const chatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** analyses queue: the gateway asks the orchestrator to run an analysis. */
export const analysisStartJob = z.object({ ...envelope, spec: analysisSpecSchema });
export type AnalysisStartJob = z.infer<typeof analysisStartJob>;

/** model-tasks queue: one model answers one stage's prompt. */
export const modelCallJob = z.object({
  ...envelope,
  stage: stageNameSchema,
  model: modelIdSchema,
  messages: z.array(chatMessageSchema).min(1),
  options: z
    .object({
      temperature: z.number().min(0).max(2).optional(),
      maxOutputTokens: z.number().int().min(1).optional(),
      timeoutMs: z.number().int().min(1).optional(),
      /** Stream the answer (deltas are published as they arrive); the default. */
      stream: z.boolean().optional(),
      /** When the analysis' deadline passes (epoch ms): the call is aborted then and not retried after it. */
      deadlineAt: z.number().int().min(0).optional(),
    })
    .default({}),
});
export type ModelCallJob = z.infer<typeof modelCallJob>;

export const outputErrorSchema = z.object({ category: errorCategorySchema, message: z.string() });
export type OutputError = z.infer<typeof outputErrorSchema>;

/** What a model task returns to its stage. A failed call is a value too, so a stage always completes. */
export const modelCallResultSchema = z.object({
  model: modelIdSchema,
  status: z.enum(['completed', 'failed']),
  text: z.string().nullable(),
  error: outputErrorSchema.nullable(),
  latencyMs: z.number().int().min(0),
  usage: usageSchema,
  finishReason: z.string().nullable(),
});
export type ModelCallResult = z.infer<typeof modelCallResultSchema>;

/**
 * analyses queue: parent of a stage's model tasks (a BullMQ flow); the orchestrator runs it when all of them have
 * finished, reads their values and decides what comes next.
 */
export const stageCollectJob = z.object({
  ...envelope,
  stage: stageNameSchema,
  /** Sequence number of this stage run within the analysis (an ultra fallback is a further run). */
  stageIndex: z.number().int().min(0),
  /** The models asked in this stage, so a task lost without a value is still recorded as failed. */
  models: z.array(modelIdSchema).min(1),
});
export type StageCollectJob = z.infer<typeof stageCollectJob>;

/** results queue: store a finished stage run's outputs (off the critical path; idempotent by natural key). */
export const stageRecordJob = z.object({
  ...envelope,
  stage: stageNameSchema,
  stageIndex: z.number().int().min(0),
  outputs: z.array(modelCallResultSchema).min(1),
});
export type StageRecordJob = z.infer<typeof stageRecordJob>;

/** results queue: the orchestrator has started work on the analysis. */
export const analysisStartedJob = z.object({ ...envelope });
export type AnalysisStartedJob = z.infer<typeof analysisStartedJob>;

/** results queue: the analysis ended; `result` names the output that is the final answer. */
export const analysisFinishJob = z.object({
  ...envelope,
  status: z.enum(['completed', 'failed']),
  /**
   * How many outputs the analysis produced in all. Stage records are stored asynchronously, so results applies
   * the finish only once that many are stored (and retries until then): the API never shows an analysis ended
   * before its outputs.
   */
  expectedOutputs: z.number().int().min(0),
  result: z.object({ stage: stageNameSchema, model: modelIdSchema }).nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type AnalysisFinishJob = z.infer<typeof analysisFinishJob>;
