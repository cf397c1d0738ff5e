import type Anthropic from '@anthropic-ai/sdk';
import type { ChatMessage, ToolCall, ToolChoice, ToolDefinition } from '@ultra/contracts';
import { argumentsObject, argumentsText } from '../tool-call-assembly';

/**
 * Our vendor-neutral messages, tools and tool calls in the Messages API's shape: an assistant turn's calls are
 * `tool_use` blocks (arguments parsed into `input`), a tool's answer is a `tool_result` block of a user turn, and
 * consecutive tool answers (with any user text after them) share one user turn, as the API expects.
 */

export function anthropicConversation(messages: ChatMessage[]): {
  system: string[];
  messages: Anthropic.MessageParam[];
} {
  const system: string[] = [];
  const out: Anthropic.MessageParam[] = [];
  for (const message of messages) {
    if (message.role === 'system') {
      system.push(message.content);
      continue;
    }
    const turn = turnOf(message);
    const last = out.at(-1);
    // A tool result opens a user turn that later results and user text join; plain turns stay plain strings.
    if (last && last.role === turn.role && typeof last.content !== 'string' && turn.role === 'user') {
      last.content = [...last.content, ...blocksOf(turn.content)];
    } else {
      out.push(turn);
    }
  }
  return { system, messages: out };
}

function turnOf(message: ChatMessage): Anthropic.MessageParam {
  if (message.role === 'tool') {
    const result: Anthropic.ToolResultBlockParam = {
      type: 'tool_result',
      tool_use_id: message.toolCallId ?? '',
      content: message.content,
    };
    return { role: 'user', content: [result] };
  }
  if (message.role === 'assistant' && message.toolCalls?.length) {
    const text: Anthropic.ContentBlockParam[] = message.content ? [{ type: 'text', text: message.content }] : [];
    const calls = message.toolCalls.map((call): Anthropic.ToolUseBlockParam => ({
      type: 'tool_use',
      id: call.id,
      name: call.name,
      input: argumentsObject(call.arguments),
    }));
    return { role: 'assistant', content: [...text, ...calls] };
  }
  return { role: message.role === 'assistant' ? 'assistant' : 'user', content: message.content };
}

function blocksOf(content: Anthropic.MessageParam['content']): Anthropic.ContentBlockParam[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

export function anthropicTools(tools: ToolDefinition[]): Anthropic.Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    ...(tool.description !== undefined && { description: tool.description }),
    input_schema: { type: 'object', ...tool.parameters },
  }));
}

/** `required` is Anthropic's `any`; a named function is a `tool` choice. */
export function anthropicToolChoice(choice: ToolChoice): Anthropic.ToolChoice {
  if (typeof choice !== 'string') return { type: 'tool', name: choice.name };
  return { type: choice === 'required' ? 'any' : choice };
}

/** The `tool_use` blocks of an answer, arguments back as JSON text (the stream's input_json_delta assembled). */
export function toolCallsOf(message: Anthropic.Message): ToolCall[] | undefined {
  const calls = message.content.flatMap((block) =>
    block.type === 'tool_use' ? [{ id: block.id, name: block.name, arguments: argumentsText(block.input) }] : [],
  );
  return calls.length ? calls : undefined;
}
