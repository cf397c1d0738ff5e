import type { ChatMessage, ToolCall, ToolChoice, ToolDefinition } from '@ultra/contracts';
import {
  estimateTokens,
  type AnthropicBlock,
  type AnthropicCountTokensRequest,
  anthropicCountTokensRequestSchema,
  type AnthropicMessage,
  anthropicMessagesRequestSchema,
} from '@ultra/contracts';
import type { CompatRequest } from './compat-request';
import { parseVendorBody, textOfContent, unsupportedParameter } from './compat-params';

/** A Messages body as Ultra runs it, plus whether the answer streams. */
export interface MessagesCall {
  request: CompatRequest;
  stream: boolean;
}

/** Blocks an assistant turn may replay from an earlier answer: its thinking is not the conversation's. */
const REPLAYED_THINKING = new Set(['thinking', 'redacted_thinking']);

const textOfBlock = (block: AnthropicBlock): string | undefined =>
  block.type === 'text' && typeof block.text === 'string' ? block.text : undefined;

function refused(path: string, type: string): never {
  return unsupportedParameter(
    path,
    `content blocks of type ${JSON.stringify(type)} (images, documents, server tools) cannot be given to a model ` +
      'by Ultra; send text',
  );
}

/** A tool_result's content: a string or text blocks (an image in it is refused like any other). */
function toolResultText(block: AnthropicBlock, path: string): string {
  const content = block.content as string | AnthropicBlock[] | undefined;
  const text = textOfContent(content, `${path}.content`);
  return block.is_error === true ? `Error: ${text}` : text;
}

function userTurn(content: AnthropicBlock[], path: string, directOnly: string[]): ChatMessage[] {
  const turns: ChatMessage[] = [];
  let text: string[] = [];
  const flush = () => {
    if (text.length) turns.push({ role: 'user', content: text.join('\n\n') });
    text = [];
  };
  content.forEach((block, j) => {
    const at = `${path}.${j}`;
    const blockText = textOfBlock(block);
    if (blockText !== undefined) {
      text.push(blockText);
    } else if (block.type === 'tool_result' && typeof block.tool_use_id === 'string') {
      flush();
      directOnly.push(at);
      turns.push({ role: 'tool', content: toolResultText(block, at), toolCallId: block.tool_use_id });
    } else {
      refused(at, block.type);
    }
  });
  flush();
  return turns;
}

function assistantTurn(content: AnthropicBlock[], path: string, directOnly: string[]): ChatMessage {
  const text: string[] = [];
  const toolCalls: ToolCall[] = [];
  content.forEach((block, j) => {
    const at = `${path}.${j}`;
    const blockText = textOfBlock(block);
    if (blockText !== undefined) {
      text.push(blockText);
    } else if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
      directOnly.push(at);
      toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
    } else if (!REPLAYED_THINKING.has(block.type)) {
      refused(at, block.type);
    }
  });
  return { role: 'assistant', content: text.join(''), ...(toolCalls.length && { toolCalls }) };
}

function turnsOf(message: AnthropicMessage, i: number, directOnly: string[]): ChatMessage[] {
  const path = `messages.${i}.content`;
  if (typeof message.content === 'string') return [{ role: message.role, content: message.content }];
  if (message.role === 'assistant') return [assistantTurn(message.content, path, directOnly)];
  return userTurn(message.content, path, directOnly);
}

function toolsOf(body: AnthropicCountTokensRequest): ToolDefinition[] | undefined {
  if (!body.tools?.length) return undefined;
  return body.tools.map((tool, i) => {
    if (tool.type != null && tool.type !== 'custom') {
      return unsupportedParameter(
        `tools.${i}.type`,
        `server tools (${JSON.stringify(tool.type)}) do not run in Ultra; only custom tools ({name, description, ` +
          'input_schema}) pass through',
      );
    }
    return {
      name: tool.name,
      ...(tool.description !== undefined && { description: tool.description }),
      parameters: tool.input_schema ?? { type: 'object', properties: {} },
    };
  });
}

function toolChoiceOf(choice: AnthropicCountTokensRequest['tool_choice']): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  switch (choice.type) {
    case 'any':
      return 'required';
    case 'tool':
      return { name: choice.name ?? '' };
    default:
      return choice.type;
  }
}

function systemOf(system: AnthropicCountTokensRequest['system']): string | undefined {
  if (system === undefined || typeof system === 'string') return system;
  return system.map((block, i) => textOfBlock(block) ?? refused(`system.${i}`, block.type)).join('\n\n');
}

/** What `/v1/messages` and `/v1/messages/count_tokens` read alike: the conversation, the tools, the extension. */
function requestOf(parsed: AnthropicCountTokensRequest): CompatRequest {
  const directOnly: string[] = [];
  const tools = toolsOf(parsed);
  if (tools) directOnly.push('tools');
  const toolChoice = toolChoiceOf(parsed.tool_choice);
  if (toolChoice !== undefined && toolChoice !== 'none' && toolChoice !== 'auto') directOnly.push('tool_choice');
  const messages = parsed.messages.flatMap((m, i) => turnsOf(m, i, directOnly));
  const system = systemOf(parsed.system);
  const ultra = parsed.ultra ?? parsed.metadata?.ultra;
  return {
    model: parsed.model,
    messages,
    directOnly,
    ...(system && { system }),
    ...(tools && { tools }),
    ...(toolChoice !== undefined && tools && { toolChoice }),
    ...(ultra !== undefined && { ultra }),
  };
}

/**
 * Reads `POST /v1/messages`. Text, tool_use and tool_result blocks are read (tools and tool turns kept for
 * `direct` models and refused by the core for ensembles); replayed thinking blocks are dropped; images, documents
 * and server tools are refused by their path. `thinking`, `top_p`, `top_k` and `stop_sequences` are accepted and
 * ignored.
 */
export function readMessages(body: unknown, showStages: boolean | undefined): MessagesCall {
  const parsed = parseVendorBody(anthropicMessagesRequestSchema, body);
  const request: CompatRequest = {
    ...requestOf(parsed),
    maxOutputTokens: parsed.max_tokens,
    ...(parsed.temperature != null && { temperature: parsed.temperature }),
    ...(showStages !== undefined && { showStages }),
  };
  return { request, stream: parsed.stream === true };
}

/** Reads `POST /v1/messages/count_tokens`: the same checks as a message, without max_tokens. */
export function readCountTokens(body: unknown): CompatRequest {
  return requestOf(parseVendorBody(anthropicCountTokensRequestSchema, body));
}

/**
 * The input tokens of a request by the gateway's own estimate (four characters a token, as the analysis estimate
 * counts): the system prompt, every turn with its tool calls and results, and the tools' definitions. An ensemble
 * sends this to each model of its panel, several times: `POST /api/analyze/estimate` tells what a whole run costs.
 */
export function countInputTokens(request: CompatRequest): number {
  const parts = [
    request.system ?? '',
    ...request.messages.flatMap((m) => [m.content, ...(m.toolCalls ?? []).map((c) => `${c.name} ${c.arguments}`)]),
    request.tools?.length ? JSON.stringify(request.tools) : '',
  ];
  return Math.max(
    1,
    parts.reduce((sum, part) => sum + estimateTokens(part), 0),
  );
}
