import { ErrorCategory } from '@ultra/contracts';
import OpenAI, { APIError } from 'openai';
import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
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
import { openAiMessages, openAiToolChoice, openAiTools, toolCallsOf } from './openai-tools';

/** The request fields shared by streamed and one-shot calls. */
type ChatParams = Omit<ChatCompletionCreateParamsBase, 'stream' | 'stream_options'>;

/**
 * OpenAI Chat Completions through the official SDK. The same adapter serves every OpenAI-compatible server
 * (Ollama, vLLM, LM Studio, OpenRouter, Groq, DeepSeek, Together) under that server's provider id and base URL.
 */
export class OpenAiProvider implements LlmProvider {
  readonly id: string;
  private readonly client: OpenAI;
  // OpenAI's reasoning models reject `max_tokens`, while most compatible servers only know `max_tokens`.
  private readonly maxTokensField: 'max_completion_tokens' | 'max_tokens';
  // OpenAI always reports usage; some compatible servers (older Ollama, LM Studio, proxies) never do.
  private readonly usageRequired: boolean;

  constructor(settings: VendorAdapterOptions) {
    this.id = settings.id;
    this.maxTokensField = settings.id === 'openai' ? 'max_completion_tokens' : 'max_tokens';
    this.usageRequired = settings.id === 'openai';
    this.client = new OpenAI({
      apiKey: settings.apiKey,
      // null rather than undefined: the SDK would otherwise read OPENAI_BASE_URL, OPENAI_ORG_ID and
      // OPENAI_PROJECT_ID from the environment, even for a compatible provider that must not get them.
      baseURL: settings.baseUrl ?? null,
      organization: null,
      project: null,
      // BullMQ retries with backoff and knows the attempt count; SDK retries would multiply them.
      maxRetries: 0,
      // Failures reach the caller as ProviderErrors; the SDK's own console output would bypass our logger.
      logLevel: 'off',
    });
  }

  async complete(request: LlmRequest, signal: AbortSignal, callbacks?: LlmCallbacks): Promise<LlmResponse> {
    const modelId = `${this.id}:${request.model}`;
    const params: ChatParams = {
      model: request.model,
      messages: openAiMessages(request.messages),
      ...(request.temperature !== undefined && { temperature: request.temperature }),
      ...(request.maxOutputTokens !== undefined && { [this.maxTokensField]: request.maxOutputTokens }),
      ...(request.tools?.length && { tools: openAiTools(request.tools) }),
      ...(request.tools?.length && request.toolChoice && { tool_choice: openAiToolChoice(request.toolChoice) }),
    };
    try {
      return request.stream
        ? await this.streamed(modelId, params, signal, callbacks)
        : await this.oneShot(modelId, params, signal);
    } catch (error) {
      throw toProviderError(modelId, error, signal);
    }
  }

  private async oneShot(modelId: string, params: ChatParams, signal: AbortSignal): Promise<LlmResponse> {
    const completion = await this.client.chat.completions.create({ ...params, stream: false }, { signal });
    const choice = completion.choices[0];
    if (!choice) throw new ProviderError(ErrorCategory.ProviderUnavailable, `${modelId}: the response has no choice`);
    const toolCalls = toolCallsOf(choice.message);
    return {
      text: choice.message.content ?? '',
      usage: this.usageOf(modelId, completion.usage),
      finishReason: choice.finish_reason,
      ...(toolCalls && { toolCalls }),
    };
  }

  private async streamed(
    modelId: string,
    params: ChatParams,
    signal: AbortSignal,
    callbacks?: LlmCallbacks,
  ): Promise<LlmResponse> {
    // Chat Completions streams carry no usage unless asked; it then arrives in a last chunk with no choices.
    const stream = await this.client.chat.completions.create(
      { ...params, stream: true, stream_options: { include_usage: true } },
      { signal },
    );
    const parts: string[] = [];
    const calls = new ToolCallAssembly();
    let finishReason: string | null = null;
    let usage: CompletionUsage | undefined;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      const delta = choice?.delta.content;
      if (delta) {
        parts.push(delta);
        callbacks?.onDelta?.(delta);
      }
      for (const call of choice?.delta.tool_calls ?? []) {
        calls.add({ index: call.index, id: call.id, name: call.function?.name, arguments: call.function?.arguments });
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
    }
    // The SDK ends the iteration quietly when the connection closes early or the signal aborts, so a stream
    // without its finish reason and usage chunk is incomplete, not a shorter answer.
    if (finishReason === null || (!usage && this.usageRequired)) {
      throw fromTransportError(modelId, new Error('the stream ended before its final chunk'), signal);
    }
    const toolCalls = calls.done(modelId);
    return { text: parts.join(''), usage: this.usageOf(modelId, usage), finishReason, ...(toolCalls && { toolCalls }) };
  }

  /**
   * Our usage from OpenAI's fields; cached and reasoning tokens only where the server reports them. A compatible
   * server that reports none counts as zero tokens rather than failing every call.
   */
  private usageOf(modelId: string, usage: CompletionUsage | undefined | null): LlmUsage {
    if (!usage) {
      if (!this.usageRequired) return { inputTokens: 0, outputTokens: 0 };
      throw new ProviderError(ErrorCategory.ProviderUnavailable, `${modelId}: the response has no usage`);
    }
    const cached = usage.prompt_tokens_details?.cached_tokens;
    const reasoning = usage.completion_tokens_details?.reasoning_tokens;
    return {
      inputTokens: usage.prompt_tokens,
      outputTokens: usage.completion_tokens,
      ...(cached !== undefined && { cachedInputTokens: cached }),
      ...(reasoning !== undefined && { reasoningTokens: reasoning }),
    };
  }
}

/** HTTP failures by status (with OpenAI's own message); aborts, broken connections and bad data otherwise. */
function toProviderError(modelId: string, error: unknown, signal: AbortSignal): ProviderError {
  if (isApiError(error) && error.status !== undefined) {
    return fromHttpStatus(modelId, error.status, vendorMessage(error), retryAfterMs(error.headers?.get('retry-after')));
  }
  return fromTransportError(modelId, error, signal);
}

// A guard rather than a bare instanceof: instanceof narrows to APIError<any, any, any>, this to its declared fields.
function isApiError(error: unknown): error is APIError {
  return error instanceof APIError;
}

/** The `message` of OpenAI's `{error:{message,type,code}}` body; the SDK's message prefixes the status. */
function vendorMessage(error: APIError): string {
  const body = error.error;
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') {
    return body.message;
  }
  return error.message;
}
