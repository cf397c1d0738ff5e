import type { ChatMessage, ToolCall, ToolChoice, ToolDefinition } from '@ultra/contracts';
import type {
  ChatCompletionMessage,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';

/**
 * Our vendor-neutral messages, tools and tool calls in Chat Completions' shape (OpenAI and every compatible
 * server): tools are `function` tools, an assistant turn carries `tool_calls`, a tool result is a `tool` message
 * naming the call it answers.
 */

export function openAiMessages(messages: ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map((m): ChatCompletionMessageParam => {
    switch (m.role) {
      case 'system':
      case 'user':
        // Chat Completions takes the system prompt as a `system` message, in place in the conversation.
        return { role: m.role, content: m.content };
      case 'assistant':
        if (!m.toolCalls?.length) return { role: 'assistant', content: m.content };
        return {
          role: 'assistant',
          // null rather than '' when the turn only called tools, as OpenAI itself answers such turns.
          content: m.content || null,
          tool_calls: m.toolCalls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          })),
        };
      case 'tool':
        return { role: 'tool', tool_call_id: m.toolCallId ?? '', content: m.content };
    }
  });
}

export function openAiTools(tools: ToolDefinition[]): ChatCompletionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description !== undefined && { description: tool.description }),
      parameters: tool.parameters,
    },
  }));
}

export function openAiToolChoice(choice: ToolChoice): ChatCompletionToolChoiceOption {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

/** The function calls of a one-shot answer (custom tools are never offered, so never answered). */
export function toolCallsOf(message: ChatCompletionMessage): ToolCall[] | undefined {
  const calls = (message.tool_calls ?? []).flatMap((call) =>
    call.type === 'function' ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }] : [],
  );
  return calls.length ? calls : undefined;
}
