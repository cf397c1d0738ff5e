import type { ServerResponse } from 'node:http';
import { SSE_HEADERS } from '../events/sse-frames';
import type { CompatAnswer } from './compat-request';
import { ultraInfoOf } from './compat-request';
import type { CompatError } from './compat-error.filter';
import { anthropicErrorBody } from './compat-error.filter';
import type { CompatEvent } from './compat-stream.translator';

/**
 * A thinking block must carry a signature for Anthropic's SDK to keep it; Ultra's thinking is the panel's own
 * work, not a model's signed reasoning, so every block gets this opaque marker (clients send it back unread).
 */
export const ULTRA_THINKING_SIGNATURE = 'ultra-panel-stage';

type StopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'refusal';

/** Anthropic's stop reason for an answer's neutral finish reason. */
export function anthropicStopReasonOf(answer: Pick<CompatAnswer, 'finishReason'>): StopReason {
  switch (answer.finishReason) {
    case 'tool_calls':
      return 'tool_use';
    case 'length':
      return 'max_tokens';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/** Anthropic's usage object from an analysis' totals (every call of it). */
export function anthropicUsageOf(answer: Pick<CompatAnswer, 'usage'>) {
  return {
    input_tokens: answer.usage.inputTokens,
    output_tokens: answer.usage.outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}

/** A tool call's `arguments` (JSON text a model wrote, maybe invalid) as the object Anthropic's `input` is. */
export function toolInputOf(args: string): Record<string, unknown> {
  try {
    const input: unknown = JSON.parse(args);
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) return input as Record<string, unknown>;
  } catch {
    // Invalid JSON from the model: the block still names the tool, with no input.
  }
  return {};
}

/** The tool calls of an answer as Anthropic's `tool_use` content blocks. */
export function toolUseBlocksOf(answer: Pick<CompatAnswer, 'toolCalls'>) {
  return answer.toolCalls.map((call) => ({
    type: 'tool_use' as const,
    id: call.id,
    name: call.name,
    input: toolInputOf(call.arguments),
  }));
}

/**
 * Writes one message as Anthropic's named SSE events: `message_start`; each reasoning section of the panel as a
 * `thinking` block (its label first, a signature last); the answer as a `text` block; tool calls as `tool_use`
 * blocks; then `message_delta` (stop reason, usage) and `message_stop`. Heartbeats are `ping` events, and a failure
 * once the stream is open is an `error` event, which the SDK raises as an APIError.
 */
export class MessagesStreamWriter {
  private index = -1;
  private block: 'thinking' | 'text' | null = null;
  private textSent = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly messageId: string,
    private readonly model: string,
  ) {}

  open(headers: Record<string, string>): void {
    this.response.writeHead(200, { ...headers, ...SSE_HEADERS });
    this.event('message_start', {
      message: {
        id: this.messageId,
        type: 'message',
        role: 'assistant',
        model: this.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // The totals are known only at the end: message_delta carries them.
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    });
  }

  /** One compatible event; true once the stream has ended. */
  write(event: CompatEvent | null): boolean {
    if (event === null) {
      this.event('ping', {});
      return false;
    }
    switch (event.kind) {
      case 'reasoning_start':
        this.openBlock('thinking');
        this.thinking(`**${event.label}**\n\n`);
        return false;
      case 'reasoning':
        if (this.block !== 'thinking') this.openBlock('thinking');
        this.thinking(event.text);
        return false;
      case 'content':
        if (!event.text) return false;
        if (this.block !== 'text') this.openBlock('text');
        this.delta({ type: 'text_delta', text: event.text });
        return false;
      case 'done':
        this.finish(event.answer);
        return true;
      case 'failed':
        this.fail({ status: 502, code: event.error.code, message: event.error.message, param: null });
        return true;
    }
  }

  fail(error: CompatError): void {
    this.send('error', anthropicErrorBody(error));
    this.response.end();
  }

  private finish(answer: CompatAnswer): void {
    // An answer with no text and no tool call is still an (empty) text block, as the non-streaming shape has.
    if (!this.textSent && !answer.toolCalls.length) this.openBlock('text');
    this.closeBlock();
    for (const block of toolUseBlocksOf(answer)) {
      this.index++;
      this.event('content_block_start', { index: this.index, content_block: { ...block, input: {} } });
      this.delta({ type: 'input_json_delta', partial_json: JSON.stringify(block.input) });
      this.event('content_block_stop', { index: this.index });
    }
    this.event('message_delta', {
      delta: { stop_reason: anthropicStopReasonOf(answer), stop_sequence: null },
      usage: anthropicUsageOf(answer),
      ultra: ultraInfoOf(answer),
    });
    this.event('message_stop', {});
    this.response.end();
  }

  private openBlock(type: 'thinking' | 'text'): void {
    this.closeBlock();
    this.index++;
    this.block = type;
    const block = type === 'text' ? { type, text: '' } : { type, thinking: '', signature: '' };
    if (type === 'text') this.textSent = true;
    this.event('content_block_start', { index: this.index, content_block: block });
  }

  private closeBlock(): void {
    if (this.block === 'thinking') this.delta({ type: 'signature_delta', signature: ULTRA_THINKING_SIGNATURE });
    if (this.block) this.event('content_block_stop', { index: this.index });
    this.block = null;
  }

  private thinking(text: string): void {
    if (text) this.delta({ type: 'thinking_delta', thinking: text });
  }

  private delta(delta: Record<string, unknown>): void {
    this.event('content_block_delta', { index: this.index, delta });
  }

  private event(type: string, data: Record<string, unknown>): void {
    this.send(type, { type, ...data });
  }

  private send(name: string, data: unknown): void {
    if (!this.response.writableEnded) this.response.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
