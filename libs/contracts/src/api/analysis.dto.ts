import { z } from 'zod';
import type { AnalysisStatus, OutputStatus, StageStatus } from '../analyses/status';
import { type AnalysisDocument, type AnalysisDocumentView, MAX_DOCUMENTS_PER_ANALYSIS } from '../documents/documents';
import type { ModelId } from '../models/model-id';
import type { PatternId } from '../patterns/pattern-spec';
import type { StageName } from '../patterns/patterns';
import type {
  AnalysisOptions,
  ChatMessage,
  HistoryExchange,
  OutputError,
  StageRun,
  Usage,
} from '../queues/job-payloads';
import type { ToolChoice, ToolDefinition } from '../queues/tools';
import type { ToolCall } from '../queues/tools';
import { callbackUrlSchema, type WebhookDeliveryView } from '../webhooks/webhooks';

export const MAX_MODELS_PER_ANALYSIS = 8;
export const DEFAULT_MAX_PROMPT_CHARS = 32_000;

/**
 * Shape checks of `POST /api/analyze`. Whether each model exists and is ready, and whether the pattern exists,
 * is checked by the gateway against its catalog so that each case gets its own error code.
 */
export function analyzeRequestSchema(maxPromptChars: number) {
  return z.object({
    prompt: z
      .string({ error: 'prompt is required and must be a string' })
      .trim()
      .min(1, 'prompt must not be empty')
      .max(maxPromptChars, `prompt must be at most ${maxPromptChars} characters`)
      // Postgres text cannot hold U+0000, so such a prompt could never be stored: the caller's fault, not a 5xx.
      .refine((prompt) => !prompt.includes('\u0000'), 'prompt must not contain NUL characters (U+0000)'),
    models: z
      .array(z.string().min(1), { error: 'models must be an array of model ids' })
      .min(1, 'at least one model is required')
      .max(MAX_MODELS_PER_ANALYSIS, `at most ${MAX_MODELS_PER_ANALYSIS} models are allowed`)
      .refine((ids) => new Set(ids).size === ids.length, 'models must not contain duplicates'),
    ultraModel: z.string().min(1).optional(),
    pattern: z.string().min(1).max(100).optional(),
    /** The pattern's declared parameters, e.g. {layers: 3}; checked against the pattern's bounds. */
    params: z.record(z.string(), z.number({ error: 'each parameter must be a number' })).optional(),
    options: z
      .object({
        temperature: z.number().min(0).max(2).optional(),
        maxOutputTokens: z.number().int().min(1).max(200_000).optional(),
        quorum: z.number().int().min(1).max(64).optional(),
        stageTimeoutMs: z.number().int().min(1_000).max(3_600_000).optional(),
      })
      .strict()
      .optional(),
    /** false: no answer comes from the response cache, every call reaches its provider. */
    cache: z.boolean({ error: 'cache must be true or false' }).optional(),
    /** Refuse (400 budget_exceeded) when the high cost estimate is above this many USD. */
    maxCostUsd: z.number().min(0).optional(),
    /** Uploaded documents (POST /api/documents) whose text joins the prompts, within DOCUMENT_TOKEN_BUDGET. */
    documentIds: z
      .array(z.string({ error: 'each document id must be a string' }).min(1).max(100), {
        error: 'documentIds must be an array of document ids',
      })
      .max(MAX_DOCUMENTS_PER_ANALYSIS, `at most ${MAX_DOCUMENTS_PER_ANALYSIS} documents are allowed`)
      .refine((ids) => new Set(ids).size === ids.length, 'documentIds must not contain duplicates')
      .optional(),
    /** Receives the ended analysis, signed (see WebhookHeader); http(s), at most 2048 characters, a public host. */
    callbackUrl: callbackUrlSchema.optional(),
  });
}
export type AnalyzeRequest = z.infer<ReturnType<typeof analyzeRequestSchema>>;

export interface AnalyzeAccepted {
  id: string;
  status: 'queued';
  links: { self: string };
}

export interface OutputView {
  model: ModelId;
  /** Which of the model's samples (sampling stages); 0 otherwise. */
  sample: number;
  status: OutputStatus;
  text: string | null;
  /** Parsed JSON output of stages that ask for json; null with dataError when it could not be parsed. */
  data?: Record<string, unknown> | null;
  dataError?: string;
  /** Copied from the source of a rerun: no call was made and it cost nothing. */
  reused?: boolean;
  /** Served from the response cache: no call was made and it cost nothing. */
  cached?: boolean;
  /** The model that actually answered when a fallback answered in `model`'s place, and why. */
  answeredBy?: ModelId;
  fallbackReason?: string;
  /** Characters replaced by U+FFFD because they were not valid Unicode (lone surrogates, NUL). */
  repairedChars?: number;
  /** The tool calls the model asked for (direct analyses with tools); its text may then be empty. */
  toolCalls?: ToolCall[];
  error?: OutputError;
  latencyMs: number;
  usage: Usage;
}

/** One run of a stage: a round of a generate stage (fallbacks included), an aggregate, or a skipped stage. */
export interface StageView {
  /** The stage's id in the pattern (kept under its old name for existing clients). */
  name: StageName;
  id: StageName;
  label: string;
  kind: 'generate' | 'aggregate' | 'skipped';
  /** Run index within the analysis; null for a stage of the pattern that has not run (pending or skipped). */
  index: number | null;
  /** Round or layer of a repeating stage, from 1. */
  round: number;
  status: StageStatus;
  outputs: OutputView[];
  /** An aggregate's result (ranking, tally, agreement). */
  aggregate?: Record<string, unknown>;
  note?: string;
  /** Totals of the stage's outputs, cost included. */
  usage: Usage;
}

export interface AnalysisError {
  code: string;
  message: string;
}

export interface AnalysisSummary {
  id: string;
  status: AnalysisStatus;
  pattern: PatternId;
  models: ModelId[];
  ultraModel: ModelId;
  prompt: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  /** The thread the analysis belongs to: its own id for a first analysis, inherited by its follow-ups. */
  threadId?: string;
  /** The analysis this one follows up (POST /api/analyses/:id/follow-ups); null for a first analysis. */
  parentAnalysisId?: string | null;
  /** Totals of all the analysis' outputs so far, cost included (as AnalysisView's). */
  usage: Usage;
}

/** The final answer, plus the named data of the pattern's result (ranking, agreement, votes, verdicts…). */
export interface AnalysisResult {
  model: ModelId;
  text: string;
  /** The stage whose output is the answer (for cascade: which path ran). */
  stage: StageName;
  /** The answering output's tool calls (direct analyses with tools); absent when it called none. */
  toolCalls?: ToolCall[];
  /** Why the answering output stopped, as its provider said (`stop`, `length`, `tool_calls`…). */
  finishReason?: string;
  [data: string]: unknown;
}

export interface AnalysisView extends AnalysisSummary {
  stages: StageView[];
  result: AnalysisResult | null;
  error?: AnalysisError;
  params: Record<string, number>;
  options: AnalysisOptions;
  /** The analysis this one reran (POST /api/analyses/:id/rerun). */
  sourceAnalysisId: string | null;
  /** Attached documents and which of their chunks the prompts showed; absent without documents. */
  documents?: AnalysisDocumentView[];
  /** Delivery of the ended analysis to its callbackUrl; absent without one. */
  webhook?: WebhookDeliveryView;
}

export interface AnalysisPage {
  analyses: AnalysisSummary[];
  nextCursor: string | null;
}

/** How an analysis was asked for: what the results service stores and a rerun starts from. */
export interface AnalysisDefinition {
  prompt: string;
  models: ModelId[];
  ultraModel: ModelId;
  pattern: PatternId;
  /** The resolved pattern document (contracts' patternSpecSchema). */
  patternSpec: unknown;
  params: Record<string, number>;
  options: AnalysisOptions;
  /** Attached documents with the text the prompts showed, so a rerun or a resumed run shows the same. */
  documents?: AnalysisDocument[];
  /** A follow-up's earlier exchanges as its prompts carried them, so a rerun or a resumed run carries them too. */
  history?: HistoryExchange[];
  historyOmitted?: number;
  /** A compatible-API call's own instructions, turns and tools (AnalysisSpec), so a rerun or resumed run keeps them. */
  system?: string;
  conversation?: ChatMessage[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** The thread and the analysis followed up (a follow-up, or a rerun of one); see AnalysisSummary. */
  threadId?: string;
  parentAnalysisId?: string | null;
}

/** Body of the results service's internal `POST /internal/analyses`. */
export interface CreateAnalysisCommand extends AnalysisDefinition {
  id: string;
  userId: string;
  requestId: string;
  sourceAnalysisId?: string | null;
  /** Where the ended analysis is POSTed (already checked by the gateway). */
  callbackUrl?: string | null;
}

/** `POST /api/analyses/:id/rerun`. */
export const rerunRequestSchema = z
  .object({
    fromStage: z.string({ error: 'fromStage is required: the id of the stage to run again from' }).min(1).max(100),
    ultraModel: z.string().min(1).optional(),
    params: z.record(z.string(), z.number()).optional(),
  })
  .strict();
export type RerunRequest = z.infer<typeof rerunRequestSchema>;

/** `POST /api/analyze/estimate`: what an analysis will cost before it runs. */
export interface AnalysisEstimate {
  pattern: PatternId;
  params: Record<string, number>;
  calls: number;
  stages: {
    id: StageName;
    label: string;
    kind: 'generate' | 'aggregate';
    rounds: number;
    calls: number;
    inputTokens: { low: number; high: number };
    outputTokens: { low: number; high: number };
  }[];
  models: {
    model: ModelId;
    calls: number;
    inputTokens: { low: number; high: number };
    outputTokens: { low: number; high: number };
    costUsd: { low: number; high: number };
  }[];
  total: {
    inputTokens: { low: number; high: number };
    outputTokens: { low: number; high: number };
    costUsd: { low: number; high: number };
  };
  /** Seconds, assuming the stages run one after another and each model streams at a typical speed. */
  expectedDurationS: { low: number; high: number };
  /** How the figures were made, in a sentence each. */
  assumptions: string[];
}

/**
 * The results service's internal `GET /internal/analyses/:id/source?userId=`: what a rerun needs of the source
 * analysis — how it was asked, where it stands, and every stage run with the outputs' texts and parsed data.
 */
export interface AnalysisSource extends AnalysisDefinition {
  id: string;
  status: AnalysisStatus;
  /** In run order; each as the orchestrator keeps it (contracts' stageRunSchema). */
  runs: StageRun[];
}
