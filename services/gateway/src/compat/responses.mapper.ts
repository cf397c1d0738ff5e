import type { ChatMessage, ToolChoice, ToolDefinition } from '@ultra/contracts';
import {
  type ResponsesContent,
  type ResponsesRequest,
  responsesFunctionCallItemSchema,
  responsesFunctionCallOutputItemSchema,
  responsesMessageItemSchema,
  responsesRequestSchema,
} from '@ultra/contracts';
import { ValidationFailedException } from '@ultra/platform';
import type { z } from 'zod';
import { parseVendorBody, textOfContent, unsupportedParameter } from './compat-params';
import type { CompatRequest } from './compat-request';

/** A Responses body as Ultra runs it, plus the request fields the response object repeats. */
export interface ResponsesCall {
  request: CompatRequest;
  stream: boolean;
  echo: ResponsesEcho;
}

/** What OpenAI's response object repeats of its request (so clients that read it back find it). */
export interface ResponsesEcho {
  instructions: string | null;
  max_output_tokens: number | null;
  temperature: number | null;
  top_p: number | null;
  tools: unknown[];
  tool_choice: unknown;
  parallel_tool_calls: boolean;
  metadata: Record<string, string>;
  reasoning: Record<string, unknown>;
  text: { format: { type: 'text' } };
  truncation: 'auto' | 'disabled';
  user: string | null;
}

const quote = (value: unknown): string => JSON.stringify(value);

/** One item checked by its kind's schema; problems name the item's fields (`input.2.call_id`). */
function parseItem<T extends z.ZodType>(schema: T, item: unknown, path: string): z.infer<T> {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 10).map((issue) => ({
    path: [path, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new ValidationFailedException(problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
}

/** Text of a Responses content: input_text/output_text parts (refusals read as text); anything else is refused. */
function textOf(content: ResponsesContent, path: string): string {
  if (typeof content === 'string') return content;
  const parts = content.map((part) =>
    part.type === 'refusal' && typeof part.refusal === 'string' ? { type: 'output_text', text: part.refusal } : part,
  );
  return textOfContent(parts, path, ['input_text', 'output_text']);
}

/** The turns of `input`; system and developer messages go to `system` (after `instructions`). */
function conversationOf(input: ResponsesRequest['input'], system: string[], directOnly: string[]): ChatMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const messages: ChatMessage[] = [];
  input.forEach((item, i) => {
    const path = `input.${i}`;
    const type = item.type ?? 'message';
    if (type === 'message') {
      const message = parseItem(responsesMessageItemSchema, item, path);
      const content = textOf(message.content, `${path}.content`);
      if (message.role === 'system' || message.role === 'developer') system.push(content);
      else messages.push({ role: message.role, content });
    } else if (type === 'function_call') {
      const call = parseItem(responsesFunctionCallItemSchema, item, path);
      directOnly.push(path);
      const toolCall = { id: call.call_id, name: call.name, arguments: call.arguments };
      // Parallel calls (and the text before them) are one assistant turn.
      const last = messages.at(-1);
      if (last?.role === 'assistant') last.toolCalls = [...(last.toolCalls ?? []), toolCall];
      else messages.push({ role: 'assistant', content: '', toolCalls: [toolCall] });
    } else if (type === 'function_call_output') {
      const result = parseItem(responsesFunctionCallOutputItemSchema, item, path);
      directOnly.push(path);
      messages.push({ role: 'tool', content: textOf(result.output, `${path}.output`), toolCallId: result.call_id });
    } else if (type !== 'reasoning') {
      // Reasoning items of an earlier response are sent back by clients that replay `output`; they are Ultra's
      // own stage summaries, so leaving them out loses nothing. Other items need state or tools Ultra lacks.
      unsupportedParameter(`${path}.type`, `input items of type ${quote(type)} are not supported`);
    }
  });
  return messages;
}

function toolsOf(body: ResponsesRequest): ToolDefinition[] | undefined {
  if (!body.tools?.length) return undefined;
  return body.tools.map((tool, i) => {
    if (tool.type !== 'function') {
      return unsupportedParameter(
        `tools.${i}.type`,
        `only tools of type "function" pass through; Ultra has no built-in tool ${quote(tool.type)}`,
      );
    }
    if (!tool.name) return unsupportedParameter(`tools.${i}.name`, 'a function tool needs a name');
    return {
      name: tool.name,
      ...(typeof tool.description === 'string' && { description: tool.description }),
      parameters: tool.parameters ?? { type: 'object', properties: {} },
    };
  });
}

function toolChoiceOf(choice: ResponsesRequest['tool_choice']): ToolChoice | undefined {
  if (choice === undefined || typeof choice === 'string') return choice;
  if (choice.type === 'function' && choice.name) return { name: choice.name };
  return unsupportedParameter('tool_choice', `tool_choice of type ${quote(choice.type)} is not supported`);
}

/** Fields that need state or machinery Ultra does not have: refused by name rather than silently dropped. */
function refuseUnsupported(body: ResponsesRequest): void {
  if (body.previous_response_id) {
    unsupportedParameter(
      'previous_response_id',
      'Ultra does not store Responses state; send the whole conversation in input',
    );
  }
  if (body.conversation !== undefined && body.conversation !== null) {
    unsupportedParameter('conversation', 'Ultra does not store conversations; send the whole conversation in input');
  }
  if (body.background) unsupportedParameter('background', 'background responses cannot be retrieved from Ultra');
  if (body.prompt !== undefined && body.prompt !== null) {
    unsupportedParameter('prompt', 'stored prompt templates are not supported; send instructions and input');
  }
  if (body.top_logprobs) unsupportedParameter('top_logprobs', 'an analysis has no token log probabilities');
  const format = body.text?.format?.type;
  if (format !== undefined && format !== 'text') {
    unsupportedParameter('text.format', `structured output (${quote(format)}) is not passed on`);
  }
}

/**
 * Reads `POST /v1/responses`. `instructions` and system/developer messages become the system prompt; function
 * tools, function calls and their outputs are kept for `direct` models (refused by the core for ensembles); what
 * needs stored state, built-in tools or non-text input is refused by name. store, metadata, reasoning, truncation,
 * parallel_tool_calls, top_p and user are accepted and not passed on.
 */
export function readResponses(body: unknown, showStages: boolean | undefined): ResponsesCall {
  const parsed = parseVendorBody(responsesRequestSchema, body);
  refuseUnsupported(parsed);
  const directOnly: string[] = [];
  const tools = toolsOf(parsed);
  if (tools) directOnly.push('tools');
  const toolChoice = toolChoiceOf(parsed.tool_choice);
  if (toolChoice !== undefined && toolChoice !== 'none' && toolChoice !== 'auto') directOnly.push('tool_choice');
  const system = parsed.instructions ? [parsed.instructions] : [];
  const messages = conversationOf(parsed.input, system, directOnly);
  const request: CompatRequest = {
    model: parsed.model,
    messages,
    directOnly,
    ...(system.length && { system: system.join('\n\n') }),
    ...(parsed.temperature != null && { temperature: parsed.temperature }),
    ...(parsed.max_output_tokens != null && { maxOutputTokens: parsed.max_output_tokens }),
    ...(tools && { tools }),
    ...(toolChoice !== undefined && tools && { toolChoice }),
    ...(parsed.ultra !== undefined && { ultra: parsed.ultra }),
    ...(showStages !== undefined && { showStages }),
  };
  const echo: ResponsesEcho = {
    instructions: parsed.instructions ?? null,
    max_output_tokens: parsed.max_output_tokens ?? null,
    temperature: parsed.temperature ?? null,
    top_p: parsed.top_p ?? null,
    tools: parsed.tools ?? [],
    tool_choice: parsed.tool_choice ?? 'auto',
    parallel_tool_calls: parsed.parallel_tool_calls ?? true,
    metadata: parsed.metadata ?? {},
    reasoning: { effort: null, summary: null, ...parsed.reasoning },
    text: { format: { type: 'text' } },
    truncation: parsed.truncation ?? 'disabled',
    user: parsed.user ?? null,
  };
  return { request, stream: parsed.stream === true, echo };
}
