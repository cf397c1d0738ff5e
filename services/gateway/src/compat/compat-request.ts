import type { ChatMessage, ToolChoice, ToolDefinition } from '@ultra/contracts';
import { z } from 'zod';

/**
 * What the three compatible APIs (chat completions, Responses, Messages) ask for, once each adapter has read its
 * vendor's request: one neutral shape, so model resolution, conversation mapping, the run and the stream
 * translation exist once.
 */
export interface CompatRequest {
  /** As the client named it: `ultra/<pattern>` or a catalog model id. */
  model: string;
  /** The system messages (or `system`/`instructions` field), joined. */
  system?: string;
  /** user, assistant (with toolCalls) and tool turns, in order. */
  messages: ChatMessage[];
  temperature?: number;
  maxOutputTokens?: number;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** The `ultra` extension object as sent; checked by the core (ultraExtensionSchema). */
  ultra?: unknown;
  /** Whether the panel's earlier stages stream as reasoning (x-ultra-show-stages, ultra.showStages). */
  showStages?: boolean;
  /**
   * Fields the client sent that only a single model can honour (images, tool results), named as the client
   * spelled them; refused for ensembles. Fields no pattern can honour are refused by the adapter itself.
   */
  directOnly: string[];
}

/** `ultra: {models, ultraModel, params, options, showStages}` of a compatible request. */
export const ultraExtensionSchema = z
  .object({
    models: z.array(z.string().min(1).max(200)).min(1).max(8).optional(),
    ultraModel: z.string().min(1).max(200).optional(),
    params: z.record(z.string(), z.number()).optional(),
    options: z
      .object({
        quorum: z.number().int().min(1).max(64).optional(),
        stageTimeoutMs: z.number().int().min(1_000).max(3_600_000).optional(),
        temperature: z.number().min(0).max(2).optional(),
        maxOutputTokens: z.number().int().min(1).max(200_000).optional(),
      })
      .strict()
      .optional(),
    cache: z.boolean().optional(),
    showStages: z.boolean().optional(),
  })
  .strict();
export type UltraExtension = z.infer<typeof ultraExtensionSchema>;

/** `x-ultra-show-stages: 0|false|no|off` turns the reasoning stream off; anything else leaves the default. */
export function showStagesHeader(value: string | string[] | undefined): boolean | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim().toLowerCase();
  if (text === undefined || text === '') return undefined;
  return !['0', 'false', 'no', 'off'].includes(text);
}

/** What a finished compatible call answers with, whichever vendor shape wraps it. */
export interface CompatAnswer {
  analysisId: string;
  pattern: string;
  models: string[];
  text: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  /** Neutral: `stop`, `length`, `tool_calls` or `content_filter`. */
  finishReason: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  usage: { inputTokens: number; outputTokens: number; reasoningTokens: number; costUsd: number };
}

/** The `ultra` object every compatible response carries. */
export function ultraInfoOf(answer: Pick<CompatAnswer, 'analysisId' | 'pattern' | 'models' | 'usage'>) {
  return {
    analysisId: answer.analysisId,
    pattern: answer.pattern,
    models: answer.models,
    costUsd: answer.usage.costUsd,
  };
}

/** Response header naming the analysis behind a compatible call. */
export const ANALYSIS_ID_HEADER = 'x-ultra-analysis-id';
