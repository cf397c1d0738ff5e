import type {
  AssistantMessage,
  ChatCompletionStreamRequest,
  SystemMessage,
  ToolCall as MistralToolCall,
  ToolMessage,
  UserMessage,
} from '@mistralai/mistralai/models/components';
import type { ChatMessage, ToolCall, ToolChoice, ToolDefinition } from '@ultra/contracts';
import { argumentsText, type ToolCallDelta } from '../tool-call-assembly';

type MistralMessage = ChatCompletionStreamRequest['messages'][number];
type MistralTool = NonNullable<ChatCompletionStreamRequest['tools']>[number];

/**
 * Our vendor-neutral messages, tools and tool calls in Mistral's chat shape (OpenAI-like, camelCase in the SDK):
 * function tools, `toolCalls` on assistant turns, `tool` messages naming the call they answer.
 */

export function toMistralMessage(message: ChatMessage): MistralMessage {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content } satisfies SystemMessage;
    case 'user':
      return { role: 'user', content: message.content } satisfies UserMessage;
    case 'assistant':
      if (!message.toolCalls?.length) return { role: 'assistant', content: message.content } satisfies AssistantMessage;
      return {
        role: 'assistant',
        content: message.content || null,
        toolCalls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        })),
      } satisfies AssistantMessage;
    case 'tool':
      return { role: 'tool', content: message.content, toolCallId: message.toolCallId ?? null } satisfies ToolMessage;
  }
}

export function mistralTools(tools: ToolDefinition[]): MistralTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description !== undefined && { description: tool.description }),
      parameters: tool.parameters,
    },
  }));
}

/** Mistral names `required` `any` (it accepts both; `any` is what its docs use). */
export function mistralToolChoice(choice: ToolChoice): NonNullable<ChatCompletionStreamRequest['toolChoice']> {
  if (typeof choice !== 'string') return { type: 'function', function: { name: choice.name } };
  return choice === 'required' ? 'any' : choice;
}

/** A Mistral tool call as a delta for the assembly (its arguments may arrive parsed). */
export function deltaOf(call: MistralToolCall): ToolCallDelta {
  const args = call.function.arguments;
  return {
    ...(call.index !== undefined && { index: call.index }),
    id: call.id,
    name: call.function.name,
    arguments: typeof args === 'string' ? args : argumentsText(args),
  };
}

/** The complete calls of a one-shot answer; a call without an id (some deployments omit it) gets one by position. */
export function toolCallsOf(calls: MistralToolCall[] | null | undefined): ToolCall[] | undefined {
  if (!calls?.length) return undefined;
  return calls.map((call, i) => {
    const delta = deltaOf(call);
    return { id: delta.id || `call_${i}`, name: call.function.name, arguments: delta.arguments || '{}' };
  });
}
