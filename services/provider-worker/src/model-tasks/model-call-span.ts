import type { ModelCallJob, ModelCallResult } from '@ultra/contracts';
import { failSpan, inSpan, type Span, SpanKind } from '@ultra/platform';
import { ProviderError } from '../providers/llm-provider';

/** OpenTelemetry's GenAI names for the vendors Ultra speaks to; an OpenAI-compatible server keeps its own id. */
const GEN_AI_PROVIDERS: Record<string, string> = {
  google: 'gcp.gemini',
  mistral: 'mistral_ai',
};

export interface ModelCallSpanInfo {
  call: ModelCallJob;
  /** The catalog model called (a fallback's own id when the task moved on from its first model). */
  model: string;
  provider: string;
  /** The model's name at its provider. */
  providerModel: string;
  /** This try of the task, counting BullMQ's retries: 1 for the first. */
  attempt: number;
}

/**
 * One provider call as a CLIENT span following the OpenTelemetry GenAI conventions (gen_ai.*), with Ultra's own
 * attributes (ultra.*). The outgoing HTTP request of the SDK is its child. Never carries prompts or answers.
 */
export function inModelCallSpan<T>(info: ModelCallSpanInfo, fn: (span: Span) => Promise<T>): Promise<T> {
  const { call, model, provider, providerModel, attempt } = info;
  const system = GEN_AI_PROVIDERS[provider] ?? provider;
  const attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.system': system,
    'gen_ai.provider.name': system,
    'gen_ai.request.model': providerModel,
    ...(call.options.temperature !== undefined && { 'gen_ai.request.temperature': call.options.temperature }),
    ...(call.options.maxOutputTokens !== undefined && { 'gen_ai.request.max_tokens': call.options.maxOutputTokens }),
    'ultra.model': model,
    'ultra.task.model': call.model,
    ...(call.pattern && { 'ultra.pattern': call.pattern }),
    'ultra.stage': call.stage,
    'ultra.stage.index': call.stageIndex,
    'ultra.sample': call.sample,
    'ultra.attempt': attempt,
  };
  // A provider's failure is recorded by recordFailure, with its category; anything else fails the span here.
  const skipFailure = (error: unknown) => error instanceof ProviderError;
  return inSpan(`chat ${providerModel}`, { kind: SpanKind.CLIENT, attributes, skipFailure }, fn);
}

/** What the answer cost and why it stopped. */
export function recordAnswer(span: Span, result: ModelCallResult): void {
  span.setAttributes({
    'gen_ai.usage.input_tokens': result.usage.inputTokens,
    'gen_ai.usage.output_tokens': result.usage.outputTokens,
    ...(result.finishReason && { 'gen_ai.response.finish_reasons': [result.finishReason] }),
    ...(result.usage.costUsd !== undefined && { 'ultra.cost_usd': result.usage.costUsd }),
  });
}

/** The failure's category is both OpenTelemetry's error.type and Ultra's own. */
export function recordFailure(span: Span, error: ProviderError, willRetry: boolean): void {
  span.setAttributes({ 'ultra.error.category': error.category, 'ultra.will_retry': willRetry });
  failSpan(span, error, error.category);
}
