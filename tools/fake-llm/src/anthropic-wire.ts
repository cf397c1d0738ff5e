import type { FakeUsage } from './fake-server';
import type { OfferedTool } from './fake-tools';

/** Pieces of Anthropic's Messages API wire format that the fake shares between its answers. */

/** The `error.type` Anthropic puts in its error body for a status. */
export function errorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** The fields a `message` object shares between the JSON answer and the stream's `message_start`. */
export function messageStart(id: string, model: string) {
  return { id, type: 'message', role: 'assistant', model, stop_sequence: null, stop_details: null, container: null };
}

/**
 * Anthropic counts cached prompt tokens apart from `input_tokens` (which are only the uncached ones), while a
 * `FakeUsage` counts the whole prompt in `inputTokens`, the cached part included.
 */
export function inputUsage(usage: FakeUsage) {
  const cached = usage.cachedInputTokens ?? 0;
  return {
    input_tokens: Math.max(0, usage.inputTokens - cached),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}

/** Thinking tokens are part of `output_tokens`; the API details them only when the model reasoned. */
export function outputUsage(usage: FakeUsage) {
  const details = usage.reasoningTokens === undefined ? null : { thinking_tokens: usage.reasoningTokens };
  return { output_tokens: usage.outputTokens, output_tokens_details: details };
}

/** The tools of a Messages request: `{name, description, input_schema}`. */
export function offeredTools(body: { tools?: unknown }): OfferedTool[] {
  if (!Array.isArray(body.tools)) return [];
  return body.tools.flatMap((tool: { name?: unknown; input_schema?: unknown }) =>
    typeof tool?.name === 'string' ? [{ name: tool.name, parameters: tool.input_schema }] : [],
  );
}

/** Whether the conversation ends with a user turn that carries a `tool_result` block. */
export function endsWithToolResult(messages: unknown[]): boolean {
  const last = messages.at(-1) as { role?: unknown; content?: unknown } | undefined;
  if (last?.role !== 'user' || !Array.isArray(last.content)) return false;
  return last.content.some((block: { type?: unknown }) => block?.type === 'tool_result');
}
