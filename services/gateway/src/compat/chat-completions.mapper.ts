import type { ChatMessage, ToolChoice, ToolDefinition } from '@ultra/contracts';
import { type ChatCompletionRequest, chatCompletionRequestSchema, type OpenAiMessage } from '@ultra/contracts';
import type { CompatRequest } from './compat-request';
import { parseVendorBody, textOfContent, unsupportedParameter } from './compat-params';

/** A chat completions body as Ultra runs it, plus what the response needs to know. */
export interface ChatCompletionCall {
  request: CompatRequest;
  stream: boolean;
  includeUsage: boolean;
}

function toolsOf(body: ChatCompletionRequest): ToolDefinition[] | undefined {
  if (!body.tools?.length) return undefined;
  return body.tools.map((tool, i) => {
    if (tool.type !== 'function' || !tool.function) {
      return unsupportedParameter(
        `tools.${i}.type`,
        `only tools of type "function" pass through (got ${JSON.stringify(tool.type)})`,
      );
    }
    const { name, description, parameters } = tool.function;
    return {
      name,
      ...(description !== undefined && { description }),
      parameters: parameters ?? { type: 'object', properties: {} },
    };
  });
}

function toolChoiceOf(choice: ChatCompletionRequest['tool_choice']): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  return typeof choice === 'string' ? choice : { name: choice.function.name };
}

function messageOf(message: OpenAiMessage, i: number, directOnly: string[]): ChatMessage | null {
  const path = `messages.${i}`;
  switch (message.role) {
    case 'system':
    case 'developer':
      return null;
    case 'user':
      return { role: 'user', content: textOfContent(message.content, `${path}.content`) };
    case 'assistant': {
      const content = textOfContent(message.content, `${path}.content`, ['text', 'refusal']);
      if (!message.tool_calls?.length) return { role: 'assistant', content };
      directOnly.push(`${path}.tool_calls`);
      const toolCalls = message.tool_calls.map((c) => ({
        id: c.id,
        name: c.function.name,
        arguments: c.function.arguments,
      }));
      return { role: 'assistant', content, toolCalls };
    }
    case 'tool':
      directOnly.push(path);
      return {
        role: 'tool',
        content: textOfContent(message.content, `${path}.content`),
        toolCallId: message.tool_call_id,
      };
    case 'function':
      return unsupportedParameter(path, 'the legacy role "function" is not supported; use tools and role "tool"');
  }
}

/**
 * Reads `POST /v1/chat/completions`. Fields no Ultra model can honour are refused by name (n > 1, logprobs,
 * non-text parts, structured output); tools and tool turns are kept for `direct` models and refused by the core
 * for ensembles. Sampling fields Ultra does not pass on (top_p, seed, stop, penalties…) are accepted and ignored.
 */
export function readChatCompletion(body: unknown, showStages: boolean | undefined): ChatCompletionCall {
  const parsed = parseVendorBody(chatCompletionRequestSchema, body);
  if ((parsed.n ?? 1) > 1) unsupportedParameter('n', 'Ultra answers with one choice (n = 1)');
  if (parsed.logprobs) unsupportedParameter('logprobs', 'an analysis has no token log probabilities');
  if (parsed.top_logprobs) unsupportedParameter('top_logprobs', 'an analysis has no token log probabilities');
  if (parsed.response_format && parsed.response_format.type !== 'text') {
    unsupportedParameter(
      'response_format',
      `structured output (${JSON.stringify(parsed.response_format.type)}) is not passed on`,
    );
  }
  const directOnly: string[] = [];
  const tools = toolsOf(parsed);
  if (tools) directOnly.push('tools');
  const toolChoice = toolChoiceOf(parsed.tool_choice);
  if (toolChoice !== undefined && toolChoice !== 'none' && toolChoice !== 'auto') directOnly.push('tool_choice');
  const system = parsed.messages
    .flatMap((m, i) =>
      m.role === 'system' || m.role === 'developer' ? [textOfContent(m.content, `messages.${i}.content`)] : [],
    )
    .join('\n\n');
  const messages = parsed.messages.flatMap((m, i) => messageOf(m, i, directOnly) ?? []);
  const maxOutputTokens = parsed.max_completion_tokens ?? parsed.max_tokens ?? undefined;
  const request: CompatRequest = {
    model: parsed.model,
    messages,
    directOnly,
    ...(system && { system }),
    ...(parsed.temperature != null && { temperature: parsed.temperature }),
    ...(maxOutputTokens !== undefined && { maxOutputTokens }),
    ...(tools && { tools }),
    ...(toolChoice !== undefined && tools && { toolChoice }),
    ...(parsed.ultra !== undefined && { ultra: parsed.ultra }),
    ...(showStages !== undefined && { showStages }),
  };
  return { request, stream: parsed.stream === true, includeUsage: parsed.stream_options?.include_usage === true };
}
