import { z } from 'zod';
import type { AnalysisStatus, OutputStatus, StageStatus } from '../analyses/status';
import type { ModelId } from '../models/model-id';
import type { PatternId, StageName } from '../patterns/patterns';
import type { OutputError, Usage } from '../queues/job-payloads';

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
    pattern: z.string().min(1).optional(),
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
  status: OutputStatus;
  text: string | null;
  error?: OutputError;
  latencyMs: number;
  usage: Usage;
}

export interface StageView {
  name: StageName;
  status: StageStatus;
  outputs: OutputView[];
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
}

export interface AnalysisView extends AnalysisSummary {
  stages: StageView[];
  result: { model: ModelId; text: string } | null;
  usage: Usage;
  error?: AnalysisError;
}

export interface AnalysisPage {
  analyses: AnalysisSummary[];
  nextCursor: string | null;
}

/** Body of the results service's internal `POST /internal/analyses`. */
export interface CreateAnalysisCommand {
  id: string;
  userId: string;
  requestId: string;
  prompt: string;
  models: ModelId[];
  ultraModel: ModelId;
  pattern: PatternId;
}
