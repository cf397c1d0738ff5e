import Anthropic, { APIError } from '@anthropic-ai/sdk';
import type {
  LlmCallbacks,
  LlmProvider,
  LlmRequest,
  LlmResponse,
  LlmUsage,
  VendorAdapterOptions,
} from '../llm-provider';
import { fromHttpStatus, fromTransportError, retryAfterMs } from '../provider-errors';
import { anthropicConversation, anthropicToolChoice, anthropicTools, toolCallsOf } from './anthropic-tools';

/** The Messages API requires max_tokens; this is what a call gets when the pattern sets no limit. */
export const DEFAULT_MAX_TOKENS = 4096;

/**
 * Our per-call deadline reaches the SDK as the AbortSignal. A client timeout of its own also stops the SDK from
 * refusing non-streaming calls whose max_tokens it estimates would take longer than 10 minutes.
 */
const CLIENT_TIMEOUT_MS = 10 * 60 * 1000;

type MessageParams = Anthropic.MessageCreateParamsNonStreaming;

/**
 * Claude through the official SDK's Messages API: `messages.stream` for streamed calls, `messages.create` otherwise.
 * Usage comes from the API's own counters; Anthropic streams them without being asked (message_start, message_delta).
 */
export class AnthropicProvider implements LlmProvider {
  readonly id: string;
  private readonly client: Anthropic;

  constructor(options: VendorAdapterOptions) {
    this.id = options.id;
    this.client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseUrl,
      // BullMQ retries the model call with backoff; SDK retries inside an attempt would multiply them.
      maxRetries: 0,
      timeout: CLIENT_TIMEOUT_MS,
    });
  }

  async complete(request: LlmRequest, signal: AbortSignal, callbacks?: LlmCallbacks): Promise<LlmResponse> {
    const modelId = `${this.id}:${request.model}`;
    const params = paramsOf(request);
    try {
      const message = request.stream
        ? await this.stream(params, signal, callbacks)
        : await this.client.messages.create(params, { signal });
      return responseOf(message);
    } catch (error) {
      throw errorOf(modelId, error, signal);
    }
  }

  /**
   * `finalMessage` resolves only after `message_stop`: a stream cut off before it, or with an event that is not
   * JSON, rejects instead of handing back the partial text as if it were the answer.
   */
  private stream(params: MessageParams, signal: AbortSignal, callbacks?: LlmCallbacks): Promise<Anthropic.Message> {
    const stream = this.client.messages.stream(params, { signal });
    const onDelta = callbacks?.onDelta;
    if (onDelta) stream.on('text', (delta) => onDelta(delta));
    return stream.finalMessage();
  }
}

/**
 * The request in Anthropic's shape: system prompts go in the top-level `system` parameter, not among the messages.
 * `temperature` is not sent: API version 2026-10-21, which the 1.x SDK speaks, answers 400 to any sampling parameter
 * (even its default value), and the SDK no longer has one.
 */
function paramsOf(request: LlmRequest): MessageParams {
  const { system, messages } = anthropicConversation(request.messages);
  const tools = request.tools?.length ? request.tools : undefined;
  return {
    model: request.model,
    max_tokens: request.maxOutputTokens ?? DEFAULT_MAX_TOKENS,
    messages,
    ...(system.length ? { system: system.join('\n\n') } : {}),
    ...(tools && { tools: anthropicTools(tools) }),
    ...(tools && request.toolChoice && { tool_choice: anthropicToolChoice(request.toolChoice) }),
  };
}

function responseOf(message: Anthropic.Message): LlmResponse {
  let text = '';
  for (const block of message.content) if (block.type === 'text') text += block.text;
  const toolCalls = toolCallsOf(message);
  return { text, usage: usageOf(message.usage), finishReason: message.stop_reason, ...(toolCalls && { toolCalls }) };
}

/**
 * Anthropic's `input_tokens` are only the prompt tokens it neither read from nor wrote to its cache; ours count the
 * whole prompt, with the part read from the cache in `cachedInputTokens`. Thinking tokens are part of output_tokens.
 */
function usageOf(usage: Anthropic.Usage): LlmUsage {
  const cacheRead = usage.cache_read_input_tokens ?? undefined;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const result: LlmUsage = {
    inputTokens: usage.input_tokens + (cacheRead ?? 0) + cacheWrite,
    outputTokens: usage.output_tokens,
  };
  if (cacheRead !== undefined) result.cachedInputTokens = cacheRead;
  const thinking = usage.output_tokens_details?.thinking_tokens;
  if (thinking !== undefined) result.reasoningTokens = thinking;
  return result;
}

/**
 * An answer with an HTTP status; the SDK builds those only with the response's headers. (A bare `instanceof`
 * would type the status and headers as `any`.)
 */
function isHttpError(error: unknown): error is APIError<number, Headers> {
  return error instanceof APIError && typeof error.status === 'number';
}

/** HTTP failures by status; aborts, broken connections and bad streams (no status) as transport failures. */
function errorOf(modelId: string, error: unknown, signal: AbortSignal) {
  if (isHttpError(error)) {
    const detail = error.apiMessage ?? error.message;
    return fromHttpStatus(modelId, error.status, detail, retryAfterMs(error.headers.get('retry-after')));
  }
  return fromTransportError(modelId, error, signal);
}
