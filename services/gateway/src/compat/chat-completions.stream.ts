import type { ServerResponse } from 'node:http';
import { SSE_HEADERS } from '../events/sse-frames';
import type { CompatAnswer } from './compat-request';
import { ultraInfoOf } from './compat-request';
import type { CompatError } from './compat-error.filter';
import { openAiErrorBody } from './compat-error.filter';
import type { CompatEvent } from './compat-stream.translator';

/** OpenAI's usage object from an analysis' totals (every call of it). */
export function openAiUsageOf(answer: CompatAnswer) {
  const { inputTokens, outputTokens, reasoningTokens } = answer.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
  };
}

/** The tool calls of an answer as OpenAI writes them in a message (and, with an index, in a delta). */
export function openAiToolCallsOf(answer: CompatAnswer) {
  return answer.toolCalls.map((call, index) => ({
    index,
    id: call.id,
    type: 'function' as const,
    function: { name: call.name, arguments: call.arguments },
  }));
}

/**
 * Writes one chat completion as `chat.completion.chunk` SSE frames: reasoning sections as `reasoning_content`
 * (a bold label opens each), the answer as `content`, tool calls and the finish reason at the end, usage in a last
 * chunk with no choices when `stream_options.include_usage` asked for it, then `[DONE]`.
 */
export class ChatCompletionStreamWriter {
  private readonly base: { id: string; object: 'chat.completion.chunk'; created: number; model: string };
  private sections = 0;

  constructor(
    private readonly response: ServerResponse,
    analysisId: string,
    model: string,
    private readonly includeUsage: boolean,
  ) {
    this.base = {
      id: `chatcmpl-${analysisId}`,
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model,
    };
  }

  open(headers: Record<string, string>): void {
    this.response.writeHead(200, { ...headers, ...SSE_HEADERS });
    this.delta({ role: 'assistant', content: '' });
  }

  /** One compatible event; true once the stream has ended. */
  write(event: CompatEvent | null): boolean {
    if (event === null) {
      this.send(': keep-alive\n\n');
      return false;
    }
    switch (event.kind) {
      case 'reasoning_start':
        this.delta({ reasoning_content: `${this.sections++ ? '\n\n' : ''}**${event.label}**\n\n` });
        return false;
      case 'reasoning':
        this.delta({ reasoning_content: event.text });
        return false;
      case 'content':
        this.delta({ content: event.text });
        return false;
      case 'done':
        this.finish(event.answer);
        return true;
      case 'failed':
        this.fail({ status: 502, code: event.error.code, message: event.error.message, param: null });
        return true;
    }
  }

  /** An error once the stream is open: OpenAI's SDK raises an APIError for a data frame holding `error`. */
  fail(error: CompatError): void {
    this.send(`data: ${JSON.stringify(openAiErrorBody(error))}\n\n`);
    this.response.end();
  }

  private finish(answer: CompatAnswer): void {
    if (answer.toolCalls.length) this.delta({ tool_calls: openAiToolCallsOf(answer) });
    this.chunk([{ index: 0, delta: {}, finish_reason: answer.finishReason, logprobs: null }], {
      ultra: ultraInfoOf(answer),
    });
    if (this.includeUsage) this.chunk([], { usage: openAiUsageOf(answer) });
    this.send('data: [DONE]\n\n');
    this.response.end();
  }

  private delta(delta: Record<string, unknown>): void {
    this.chunk([{ index: 0, delta, finish_reason: null, logprobs: null }]);
  }

  private chunk(choices: unknown[], extra: Record<string, unknown> = {}): void {
    const usage = this.includeUsage ? { usage: null } : {};
    this.send(`data: ${JSON.stringify({ ...this.base, choices, ...usage, ...extra })}\n\n`);
  }

  private send(frame: string): void {
    if (!this.response.writableEnded) this.response.write(frame);
  }
}
