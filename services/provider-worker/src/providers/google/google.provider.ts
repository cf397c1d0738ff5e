import {
  ApiError,
  type Content,
  type GenerateContentConfig,
  type GenerateContentResponse,
  type GenerateContentResponseUsageMetadata,
  GoogleGenAI,
} from '@google/genai';
import { ErrorCategory, type ChatMessage } from '@ultra/contracts';
import { z } from 'zod';
import {
  type LlmCallbacks,
  type LlmProvider,
  type LlmRequest,
  type LlmResponse,
  type LlmUsage,
  ProviderError,
  type VendorAdapterOptions,
} from '../llm-provider';
import { fromHttpStatus, fromTransportError } from '../provider-errors';

/**
 * Google's error body, which the SDK keeps only as the JSON text of `ApiError.message`. The wait before a retry
 * arrives as a google.rpc.RetryInfo detail (`retryDelay: "30s"`); the SDK does not expose response headers.
 */
const googleErrorBody = z.object({
  error: z.object({
    message: z.string().optional(),
    details: z.array(z.object({ '@type': z.string().optional(), retryDelay: z.string().optional() })).optional(),
  }),
});

/**
 * Gemini through @google/genai (generateContent / generateContentStream). Retries are BullMQ's, so the SDK's own
 * retries and its automatic stream continuation are off: a failed call fails once, with a category.
 */
export class GoogleProvider implements LlmProvider {
  readonly id: string;
  private readonly client: GoogleGenAI;

  constructor(options: VendorAdapterOptions) {
    this.id = options.id;
    this.client = new GoogleGenAI({
      // Explicit, so GOOGLE_GENAI_USE_VERTEXAI in the environment cannot switch the backend under us.
      vertexai: false,
      apiKey: options.apiKey,
      // No `retryOptions`: the SDK retries only when they are given (even `{ attempts: 1 }` wraps each call in
      // p-retry, which rewrites errors from another realm, such as jest's, into "Non-error was thrown").
      httpOptions: { baseUrl: options.baseUrl },
    });
  }

  async complete(request: LlmRequest, signal: AbortSignal, callbacks?: LlmCallbacks): Promise<LlmResponse> {
    const modelId = `${this.id}:${request.model}`;
    // Not mapped yet (PROVIDERS_WITHOUT_TOOLS): failing plainly beats a call that silently ignores the caller's tools.
    if (request.tools?.length) {
      throw new ProviderError(ErrorCategory.InvalidRequest, `${modelId}: tools are not supported for provider google`);
    }
    const params = { model: request.model, contents: contentsOf(request.messages), config: configOf(request, signal) };
    try {
      if (!request.stream) {
        const response = await this.client.models.generateContent(params);
        assertNotBlocked(modelId, response);
        return {
          text: response.text ?? '',
          usage: usageOf(response.usageMetadata),
          finishReason: response.candidates?.[0]?.finishReason ?? null,
        };
      }
      const stream = await this.client.models.generateContentStream(params);
      let text = '';
      let usage: GenerateContentResponseUsageMetadata | undefined;
      let finishReason: string | undefined;
      for await (const chunk of stream) {
        assertNotBlocked(modelId, chunk);
        const delta = chunk.text;
        if (delta) {
          text += delta;
          callbacks?.onDelta?.(delta);
        }
        // Every chunk carries the running totals, so the last one seen is the call's usage.
        usage = chunk.usageMetadata ?? usage;
        finishReason = chunk.candidates?.[0]?.finishReason ?? finishReason;
      }
      // Only the last chunk has a finishReason: without it the answer was cut short, however clean the close.
      if (!finishReason) {
        throw new ProviderError(ErrorCategory.ProviderUnavailable, `${modelId}: stream ended without a finishReason`);
      }
      return { text, usage: usageOf(usage), finishReason };
    } catch (error) {
      throw failure(modelId, error, signal);
    }
  }
}

/**
 * Gemini takes the system prompt beside the conversation, and calls the assistant `model`. Without tool support,
 * a client's earlier tool calls and results are shown as text, so the model still sees what happened.
 */
function contentsOf(messages: ChatMessage[]): Content[] {
  return messages
    .filter((m) => m.role !== 'system')
    .map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: textOf(m) }] }));
}

function textOf(message: ChatMessage): string {
  if (message.role === 'tool') return `Tool result (${message.toolCallId ?? 'call'}):\n${message.content}`;
  const calls = (message.toolCalls ?? []).map((c) => `Tool call ${c.id}: ${c.name}(${c.arguments})`);
  return [message.content, ...calls].filter(Boolean).join('\n');
}

function configOf(request: LlmRequest, signal: AbortSignal): GenerateContentConfig {
  const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content);
  const config: GenerateContentConfig = { abortSignal: signal, automaticContinuation: false };
  if (system.length) config.systemInstruction = { parts: [{ text: system.join('\n\n') }] };
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
  return config;
}

/** A blocked prompt gets no candidates and never a finishReason; retrying it would only be blocked again. */
function assertNotBlocked(modelId: string, response: GenerateContentResponse): void {
  const reason = response.promptFeedback?.blockReason;
  if (reason) throw new ProviderError(ErrorCategory.ContentFilter, `${modelId}: prompt blocked by Gemini (${reason})`);
}

/**
 * Gemini counts thinking apart from the answer (`thoughtsTokenCount` beside `candidatesTokenCount`) but bills it as
 * output, so output is their sum; `promptTokenCount` already includes the cached tokens.
 */
function usageOf(metadata: GenerateContentResponseUsageMetadata | undefined): LlmUsage {
  const thoughts = metadata?.thoughtsTokenCount;
  const usage: LlmUsage = {
    inputTokens: metadata?.promptTokenCount ?? 0,
    outputTokens: (metadata?.candidatesTokenCount ?? 0) + (thoughts ?? 0),
  };
  if (metadata?.cachedContentTokenCount !== undefined) usage.cachedInputTokens = metadata.cachedContentTokenCount;
  if (thoughts !== undefined) usage.reasoningTokens = thoughts;
  return usage;
}

function failure(modelId: string, error: unknown, signal: AbortSignal): ProviderError {
  if (!(error instanceof ApiError)) return fromTransportError(modelId, error, signal);
  const body = parseErrorBody(error.message);
  const retryDelay = body?.error.details?.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'))?.retryDelay;
  return fromHttpStatus(modelId, error.status, body?.error.message ?? error.message, durationMs(retryDelay));
}

/** The SDK's message is the body's JSON, prefixed with `got status: ...` when the error came inside a stream. */
function parseErrorBody(message: string): z.infer<typeof googleErrorBody> | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed = googleErrorBody.safeParse(JSON.parse(message.slice(start)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A protobuf Duration in JSON form (`"30s"`, `"1.5s"`) as milliseconds. */
function durationMs(duration: string | undefined): number | undefined {
  const seconds = duration ? /^(\d+(?:\.\d+)?)s$/.exec(duration)?.[1] : undefined;
  return seconds === undefined ? undefined : Math.round(Number(seconds) * 1000);
}
