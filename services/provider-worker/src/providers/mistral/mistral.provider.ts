import { Mistral } from '@mistralai/mistralai';
import type { ChatCompletionStreamRequest, ContentChunk, UsageInfo } from '@mistralai/mistralai/models/components';
import { MistralError, SDKValidationError } from '@mistralai/mistralai/models/errors';
import { ErrorCategory } from '@ultra/contracts';
import {
  type LlmCallbacks,
  type LlmProvider,
  type LlmRequest,
  type LlmResponse,
  type LlmUsage,
  ProviderError,
  type VendorAdapterOptions,
} from '../llm-provider';
import { fromHttpStatus, fromTransportError, retryAfterMs } from '../provider-errors';
import { ToolCallAssembly } from '../tool-call-assembly';
import { deltaOf, mistralToolChoice, mistralTools, toMistralMessage, toolCallsOf } from './mistral-tools';

type MistralContent = string | ContentChunk[] | null | undefined;

/** Mistral's chat completions through the official SDK, streamed or in one response. */
export class MistralProvider implements LlmProvider {
  readonly id: string;
  private readonly client: Mistral;

  constructor(options: VendorAdapterOptions) {
    this.id = options.id;
    this.client = new Mistral({
      apiKey: options.apiKey,
      serverURL: serverUrlOf(options.baseUrl),
      // BullMQ owns retries and their backoff; SDK retries would multiply attempts and hide the real error.
      retryConfig: { strategy: 'none' },
    });
  }

  async complete(request: LlmRequest, signal: AbortSignal, callbacks?: LlmCallbacks): Promise<LlmResponse> {
    const modelId = `${this.id}:${request.model}`;
    const body: ChatCompletionStreamRequest = {
      model: request.model,
      messages: request.messages.map(toMistralMessage),
      ...(request.temperature !== undefined && { temperature: request.temperature }),
      ...(request.maxOutputTokens !== undefined && { maxTokens: request.maxOutputTokens }),
      ...(request.tools?.length && { tools: mistralTools(request.tools) }),
      ...(request.tools?.length && request.toolChoice && { toolChoice: mistralToolChoice(request.toolChoice) }),
    };
    try {
      return request.stream
        ? await this.streamed(modelId, body, signal, callbacks)
        : await this.single(modelId, body, signal);
    } catch (error) {
      throw toProviderError(modelId, error, signal);
    }
  }

  private async single(modelId: string, body: ChatCompletionStreamRequest, signal: AbortSignal): Promise<LlmResponse> {
    // The signal replaces the SDK's own timeout: the caller's deadline and cancellation are the only limits.
    const response = await this.client.chat.complete({ ...body, stream: false }, { signal });
    const choice = response.choices[0];
    if (!choice) throw new ProviderError(ErrorCategory.ProviderUnavailable, `${modelId}: Mistral returned no choices`);
    const toolCalls = toolCallsOf(choice.message?.toolCalls);
    return {
      text: textOf(choice.message?.content),
      usage: usageOf(response.usage),
      finishReason: choice.finishReason,
      ...(toolCalls && { toolCalls }),
    };
  }

  private async streamed(
    modelId: string,
    body: ChatCompletionStreamRequest,
    signal: AbortSignal,
    callbacks?: LlmCallbacks,
  ): Promise<LlmResponse> {
    // Mistral puts the usage on the final chunk without being asked, so the request needs no stream option for it.
    const stream = await this.client.chat.stream({ ...body, stream: true }, { signal });
    let text = '';
    const calls = new ToolCallAssembly();
    let finishReason: string | null = null;
    let usage: UsageInfo | undefined;
    for await (const { data: chunk } of stream) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      const delta = textOf(choice.delta.content);
      if (delta) {
        text += delta;
        callbacks?.onDelta?.(delta);
      }
      for (const call of choice.delta.toolCalls ?? []) calls.add(deltaOf(call));
      if (choice.finishReason) finishReason = choice.finishReason;
    }
    // A dropped socket throws, but a body that closes cleanly before the final chunk ends the SDK's iteration quietly.
    if (!finishReason || !usage) {
      throw new ProviderError(
        ErrorCategory.ProviderUnavailable,
        `${modelId}: the stream ended before Mistral's final chunk (finish reason and usage)`,
      );
    }
    const toolCalls = calls.done(modelId);
    return { text, usage: usageOf(usage), finishReason, ...(toolCalls && { toolCalls }) };
  }
}

/** The SDK appends `/v1/...` itself; an OpenAI-style base URL ending in `/v1` would double it. */
function serverUrlOf(baseUrl: string | undefined): string | undefined {
  return baseUrl ? baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '') : undefined;
}

/** The answer's text: a plain string, or the text chunks of a chunked content (thinking chunks are not the answer). */
function textOf(content: MistralContent): string {
  if (!content) return '';
  if (typeof content === 'string') return content;
  return content.map((chunk) => (chunk.type === 'text' ? chunk.text : '')).join('');
}

/**
 * Tokens from Mistral's usage. The SDK types only the basic counts; the cache and reasoning details arrive as the
 * API's own snake_case fields, which the SDK passes through untyped.
 */
function usageOf(usage: UsageInfo): LlmUsage {
  const cached =
    countIn(usage['prompt_tokens_details'], 'cached_tokens') ??
    countIn(usage['prompt_token_details'], 'cached_tokens') ??
    countIn(usage, 'num_cached_tokens');
  const reasoning = countIn(usage['completion_tokens_details'], 'reasoning_tokens');
  return {
    inputTokens: usage.promptTokens ?? 0,
    outputTokens: usage.completionTokens ?? 0,
    ...(cached !== undefined && { cachedInputTokens: cached }),
    ...(reasoning !== undefined && { reasoningTokens: reasoning }),
  };
}

function countIn(container: unknown, field: string): number | undefined {
  if (typeof container !== 'object' || container === null) return undefined;
  const value: unknown = (container as Record<string, unknown>)[field];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function toProviderError(modelId: string, error: unknown, signal: AbortSignal): ProviderError {
  if (error instanceof MistralError) {
    return fromHttpStatus(modelId, error.statusCode, detailOf(error), retryAfterMs(error.headers.get('retry-after')));
  }
  // The SDK rejected the request before sending it: retrying the same request cannot succeed.
  if (error instanceof SDKValidationError) {
    return new ProviderError(ErrorCategory.InvalidRequest, `${modelId}: ${error.message}`);
  }
  // A stream event the SDK could not parse surfaces as its schema error, whose message is a multi-line issue dump.
  const issue = firstIssueOf(error);
  if (issue && !signal.aborted) {
    return new ProviderError(ErrorCategory.ProviderUnavailable, `${modelId}: malformed data from Mistral: ${issue}`);
  }
  return fromTransportError(modelId, error, signal);
}

function firstIssueOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('issues' in error) || !Array.isArray(error.issues)) {
    return undefined;
  }
  const issues: unknown[] = error.issues;
  const first = issues[0];
  const message = typeof first === 'object' && first !== null && 'message' in first ? first.message : undefined;
  return typeof message === 'string' ? message : 'invalid event';
}

/** Mistral's own message from its error body (`{message}` or a validation `{detail}`), else the raw body. */
function detailOf(error: MistralError): string {
  try {
    const body: unknown = JSON.parse(error.body);
    if (typeof body === 'object' && body !== null) {
      const { message, detail } = body as { message?: unknown; detail?: unknown };
      if (typeof message === 'string' && message) return message;
      if (detail !== undefined) return typeof detail === 'string' ? detail : JSON.stringify(detail);
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): the body itself is the best detail there is.
  }
  return error.body.slice(0, 500) || error.message;
}
