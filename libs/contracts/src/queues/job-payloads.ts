import { z } from 'zod';
import { analysisDocumentSchema, MAX_DOCUMENTS_PER_ANALYSIS } from '../documents/documents';
import { errorCategorySchema } from '../errors/error-codes';
import { modelIdSchema } from '../models/model-id';
import { outputSpecSchema, patternIdSchema, patternSpecSchema, stageIdSchema } from '../patterns/pattern-spec';
import { MAX_TOOLS, toolCallSchema, toolChoiceSchema, toolDefinitionSchema } from './tools';
import { traceCarrierSchema } from './trace-carrier';

/**
 * Bumped when a payload changes incompatibly; consumers reject versions they do not know. 2: patterns as data
 * (the resolved pattern travels with the analysis; stages are ids with run indexes and samples).
 */
export const SCHEMA_VERSION = 2;

const envelope = {
  schemaVersion: z.literal(SCHEMA_VERSION),
  analysisId: z.uuid(),
  /** Correlation id of the HTTP request that started the analysis; carried into every log line. */
  requestId: z.string().min(1).max(200),
  /** The producer's trace, continued by the consumer (set by the platform's JobProducer). */
  traceContext: traceCarrierSchema.optional(),
};

export const stageNameSchema = stageIdSchema;

/** Per-analysis options of `POST /api/analyze`; they override the pattern's stage options where both set one. */
export const analysisOptionsSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    maxOutputTokens: z.number().int().min(1).max(200_000).optional(),
    /** Least completed outputs for the analysis to go on after a stage; overrides the pattern's quorum. */
    quorum: z.number().int().min(1).max(64).optional(),
    /** Each stage's calls are aborted (category timeout) when the stage has run this long. */
    stageTimeoutMs: z.number().int().min(1_000).max(3_600_000).optional(),
    /** false: every call goes to its provider, none is answered from the response cache. */
    cache: z.boolean().optional(),
  })
  .strict();
export type AnalysisOptions = z.infer<typeof analysisOptionsSchema>;

export const jsonObjectSchema = z.record(z.string(), z.unknown());

/** One output of a stage run as the orchestrator keeps it: enough to build later prompts and aggregates. */
export const runOutputSchema = z.object({
  model: modelIdSchema,
  sample: z.number().int().min(0).default(0),
  status: z.enum(['completed', 'failed']),
  text: z.string().nullable(),
  /** The parsed JSON of a stage with json output; null when it could not be parsed (see dataError). */
  data: jsonObjectSchema.nullable().optional(),
  dataError: z.string().nullable().optional(),
  /** The failure's category, for analysis errors that name each model's cause. */
  category: z.string().nullable().optional(),
  /** The tool calls the model asked for (direct analyses with tools), and why it stopped: the result carries them. */
  toolCalls: z.array(toolCallSchema).max(MAX_TOOLS).optional(),
  finishReason: z.string().max(100).nullable().optional(),
});
export type RunOutput = z.infer<typeof runOutputSchema>;

/**
 * One run of a stage: a generate stage's calls for one round (a fallback is a further run of the same round), an
 * aggregate's result, or a stage skipped by its condition or a repeat count of 0.
 */
export const stageRunSchema = z.object({
  index: z.number().int().min(0),
  stage: stageIdSchema,
  kind: z.enum(['generate', 'aggregate', 'skipped']),
  round: z.number().int().min(1).default(1),
  outputs: z.array(runOutputSchema).default([]),
  aggregate: jsonObjectSchema.nullable().optional(),
});
export type StageRun = z.infer<typeof stageRunSchema>;

/** One earlier exchange of a thread: its question and final answer (null when that analysis failed). */
export const historyExchangeSchema = z.object({
  /** The analysis that answered; absent for turns a client sent itself (the OpenAI/Anthropic-compatible API). */
  analysisId: z.uuid().optional(),
  prompt: z.string(),
  answer: z.string().nullable(),
});
export type HistoryExchange = z.infer<typeof historyExchangeSchema>;

/**
 * One message of a call. `tool` messages and `toolCalls` occur only in a client's own conversation passed through
 * to a `direct` call (see AnalysisSpec.conversation).
 */
export const chatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string(),
  /** An assistant turn's tool calls. */
  toolCalls: z.array(toolCallSchema).max(MAX_TOOLS).optional(),
  /** A tool message: the call it answers. */
  toolCallId: z.string().min(1).max(200).optional(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const analysisSpecSchema = z.object({
  prompt: z.string().min(1),
  models: z.array(modelIdSchema).min(1),
  ultraModel: modelIdSchema,
  pattern: patternIdSchema,
  /** The pattern as it was when the analysis started: later edits never change how this one runs or reads. */
  patternSpec: patternSpecSchema,
  /** Every declared parameter's value (defaults filled in). */
  params: z.record(z.string(), z.number()).default({}),
  options: analysisOptionsSchema.default({}),
  /** Attached documents: what of each the prompts show (within the token budget) and which chunks that is. */
  documents: z.array(analysisDocumentSchema).max(MAX_DOCUMENTS_PER_ANALYSIS).optional(),
  /** A rerun: these runs of the source analysis are reused as they are (no call is repeated). */
  reuse: z.object({ sourceAnalysisId: z.uuid(), runs: z.array(stageRunSchema) }).optional(),
  /** A follow-up: the thread's earlier exchanges, oldest first, within the history budget (`{{history}}`). */
  history: z.array(historyExchangeSchema).optional(),
  /** How many older exchanges of the thread were left out of `history` to stay within the budget. */
  historyOmitted: z.number().int().min(0).optional(),
  /** Who started the analysis: their own provider keys (BYOK) answer their calls before the server's. */
  userId: z.uuid().optional(),
  /**
   * The caller's own instructions (the system messages of the OpenAI/Anthropic-compatible API): every call of
   * the analysis gets them in its system message, after the stage's own.
   */
  system: z.string().optional(),
  /**
   * The conversation as the client sent it (compatible API), ending with the question (or a tool's answer): a
   * stage whose user prompt is exactly `{{question}}` sends it as real turns instead of the rendered question;
   * the other stages see it as `history`.
   */
  conversation: z.array(chatMessageSchema).optional(),
  /** Tools the model may call (`direct` only; passed through to the provider). */
  tools: z.array(toolDefinitionSchema).max(MAX_TOOLS).optional(),
  toolChoice: toolChoiceSchema.optional(),
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

/** analyses queue: the gateway asks the orchestrator to run an analysis. */
export const analysisStartJob = z.object({ ...envelope, spec: analysisSpecSchema });
export type AnalysisStartJob = z.infer<typeof analysisStartJob>;

/** model-tasks queue: one model answers one stage's prompt. */
export const modelCallJob = z.object({
  ...envelope,
  /** The analysis' pattern: for traces and logs only. */
  pattern: patternIdSchema.optional(),
  stage: stageNameSchema,
  stageIndex: z.number().int().min(0).default(0),
  model: modelIdSchema,
  /** Which of a model's samples this is (a `sample` stage asks one model several times); 0 otherwise. */
  sample: z.number().int().min(0).default(0),
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
      /** When the stage's time is up (epoch ms): the call is aborted as a timeout and not retried after it. */
      stageDeadlineAt: z.number().int().min(0).optional(),
      /** The shape the stage asked for: json output is parsed into the result's `data`. */
      output: outputSpecSchema.optional(),
      /** false: skip the response cache (neither read nor written). */
      cache: z.boolean().optional(),
      /**
       * Whose credentials the call runs on: `server` (the configured keys) or a user's own key scope. Cached
       * answers are keyed by it, so answers paid with one user's key are never served to another.
       */
      keyScope: z.string().min(1).max(200).optional(),
      /** The analysis' user: the worker looks up their own key for the provider (never carried here). */
      userId: z.uuid().optional(),
      /** Tools the model may call, passed through to the provider (direct analyses only). */
      tools: z.array(toolDefinitionSchema).max(MAX_TOOLS).optional(),
      toolChoice: toolChoiceSchema.optional(),
    })
    .default({}),
});
export type ModelCallJob = z.infer<typeof modelCallJob>;

export const outputErrorSchema = z.object({ category: errorCategorySchema, message: z.string() });
export type OutputError = z.infer<typeof outputErrorSchema>;

/** What a model task returns to its stage. A failed call is a value too, so a stage always completes. */
export const modelCallResultSchema = z.object({
  model: modelIdSchema,
  sample: z.number().int().min(0).default(0),
  status: z.enum(['completed', 'failed']),
  text: z.string().nullable(),
  error: outputErrorSchema.nullable(),
  latencyMs: z.number().int().min(0),
  usage: usageSchema,
  finishReason: z.string().nullable(),
  /** Parsed JSON output (stages with json output); null with dataError when the answer could not be parsed. */
  data: jsonObjectSchema.nullable().optional(),
  dataError: z.string().nullable().optional(),
  /** Copied from the source analysis of a rerun: no call was made, it costs nothing. */
  reused: z.boolean().optional(),
  /** The model that actually answered, when a fallback answered in `model`'s place. */
  answeredBy: modelIdSchema.optional(),
  /** Why the fallback answered: the requested model's breaker state or failure. */
  fallbackReason: z.string().max(1_000).optional(),
  /** Served from the response cache: no call was made, it costs nothing. */
  cached: z.boolean().optional(),
  /** Characters of the text that were not valid Unicode (lone surrogates, NUL) and were replaced by U+FFFD. */
  repairedChars: z.number().int().min(0).optional(),
  /** The tool calls the model asked for (calls made with tools); the text may then be empty. */
  toolCalls: z.array(toolCallSchema).max(MAX_TOOLS).optional(),
});
export type ModelCallResult = z.infer<typeof modelCallResultSchema>;

/**
 * analyses queue: parent of a stage's model tasks (a BullMQ flow); the orchestrator runs it when all of them have
 * finished, reads their values and decides what comes next.
 */
export const stageCollectJob = z.object({
  ...envelope,
  stage: stageNameSchema,
  /** Sequence number of this stage run within the analysis (a fallback or a further round is a further run). */
  stageIndex: z.number().int().min(0),
  round: z.number().int().min(1).default(1),
  /** The calls of this run, so a task lost without a value is still recorded as failed. */
  calls: z.array(z.object({ model: modelIdSchema, sample: z.number().int().min(0).default(0) })).min(1),
});
export type StageCollectJob = z.infer<typeof stageCollectJob>;

/** results queue: store a finished stage run's outputs (off the critical path; idempotent by natural key). */
export const stageRecordJob = z.object({
  ...envelope,
  stage: stageNameSchema,
  stageIndex: z.number().int().min(0),
  label: z.string().min(1).max(100),
  kind: z.enum(['generate', 'aggregate', 'skipped']),
  round: z.number().int().min(1).default(1),
  /** Empty for aggregate and skipped runs. */
  outputs: z.array(modelCallResultSchema).default([]),
  /** An aggregate's result (ranking, tally, agreement), stored as JSON. */
  aggregate: jsonObjectSchema.nullable().optional(),
  /** Why a skipped run did not run (condition false, zero rounds). */
  note: z.string().max(500).nullable().optional(),
});
export type StageRecordJob = z.infer<typeof stageRecordJob>;

/** results queue: the orchestrator has started work on the analysis. */
export const analysisStartedJob = z.object({
  ...envelope,
  /** When the orchestrator gives up on the analysis (epoch ms): the watchdog's reference for a stuck one. */
  deadlineAt: z.number().int().min(0).optional(),
});
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
  /** How many stage runs the analysis recorded in all (outputs and runs are stored together). */
  expectedRuns: z.number().int().min(0).default(0),
  result: z
    .object({
      stage: stageNameSchema,
      stageIndex: z.number().int().min(0),
      model: modelIdSchema,
      sample: z.number().int().min(0).default(0),
      /** The answer: the output's text, or its JSON `answer` field for json stages. */
      text: z.string(),
      /** Named data of the pattern's result spec: ranking, agreement, votes, verdicts… */
      data: jsonObjectSchema.default({}),
      /** The answering output's tool calls (direct analyses with tools). */
      toolCalls: z.array(toolCallSchema).max(MAX_TOOLS).optional(),
      /** Why the answering output stopped, as its provider said (`stop`, `length`, `tool_calls`…). */
      finishReason: z.string().max(100).nullable().optional(),
    })
    .nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type AnalysisFinishJob = z.infer<typeof analysisFinishJob>;

/**
 * results queue: end an analysis as failed with this code unless it has already ended — whatever its records.
 * Sent (delayed) by a cancel, so an analysis the orchestrator no longer holds still ends, and by the watchdog and
 * recovery for analyses whose work was lost.
 */
export const analysisTerminateJob = z.object({
  ...envelope,
  code: z.string().min(1).max(100),
  message: z.string().min(1).max(2_000),
});
export type AnalysisTerminateJob = z.infer<typeof analysisTerminateJob>;
