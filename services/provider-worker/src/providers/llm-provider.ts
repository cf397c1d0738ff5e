import type {
  ChatMessage,
  ErrorCategory,
  OutputSpec,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  Usage,
} from '@ultra/contracts';

export interface LlmRequest {
  /** Model name without the provider prefix, e.g. `gpt-4o-mini`. */
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  maxOutputTokens?: number;
  /**
   * The shape the stage asked for. Vendor adapters may ignore it (the prompt asks for the JSON and the worker
   * parses it leniently); the mock answers in it.
   */
  output?: OutputSpec;
  /** Stream the answer (deltas reach `onDelta` as they arrive) or ask for it in one response. */
  stream: boolean;
  /** Tools the model may call (direct analyses), in the adapter's vendor format on the wire; absent: none. */
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
}

/** Tokens as the provider reported them; cached and reasoning tokens only where the provider reports them. */
export interface LlmUsage extends Usage {
  cachedInputTokens?: number;
  reasoningTokens?: number;
}

export interface LlmResponse {
  /** May be empty when the model only called tools. */
  text: string;
  usage: LlmUsage;
  finishReason: string | null;
  /** The complete tool calls the model asked for (streamed ones assembled from their deltas); absent: none. */
  toolCalls?: ToolCall[];
}

export interface LlmCallbacks {
  /** Each piece of text as it arrives, in order; called only when streaming. */
  onDelta?: (text: string) => void;
}

/** One adapter per provider. Implementations must honour `signal` (timeouts and cancellation). */
export interface LlmProvider {
  readonly id: string;
  complete(request: LlmRequest, signal: AbortSignal, callbacks?: LlmCallbacks): Promise<LlmResponse>;
}

/** What every vendor adapter is built from: its provider id (the part of model ids before `:`), key and endpoint. */
export interface VendorAdapterOptions {
  /** Provider id in model ids and messages, e.g. `openai`, or `ollama` for an OpenAI-compatible server. */
  id: string;
  apiKey: string;
  /** The vendor's own endpoint when omitted. */
  baseUrl?: string;
}

/** Injection token of the list of available adapters. */
export const LLM_PROVIDERS = Symbol('LLM_PROVIDERS');

/** A failure with a category; the category decides whether the task is retried. */
export class ProviderError extends Error {
  constructor(
    readonly category: ErrorCategory,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
