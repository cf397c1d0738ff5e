import type { ServerResponse } from 'node:http';
import { SSE_HEADERS } from '../events/sse-frames';
import type { CompatAnswer } from './compat-request';
import type { CompatEvent } from './compat-stream.translator';
import {
  finishOf,
  functionCallItemsOf,
  type MessageItem,
  type OutputItem,
  type ReasoningItem,
  type ResponseShell,
  responseOf,
  sectionHeading,
} from './responses-object';

/**
 * Writes one response as OpenAI's Responses SSE events (`event: <type>` + `data: {type, sequence_number, …}`):
 * each reasoning section is a reasoning item with one summary part, the answer is a message item with one
 * output_text part, tool calls are function_call items, and `response.completed` (or `.incomplete`) carries the
 * whole response. The items are kept as they stream, so every snapshot sent matches what was streamed.
 */
export class ResponsesStreamWriter {
  private sequence = 0;
  private readonly output: OutputItem[] = [];
  private reasoning: ReasoningItem | undefined;
  private message: MessageItem | undefined;

  constructor(
    private readonly response: ServerResponse,
    private readonly shell: ResponseShell,
  ) {}

  open(headers: Record<string, string>): void {
    this.response.writeHead(200, { ...headers, ...SSE_HEADERS });
    this.emit('response.created', { response: responseOf(this.shell, { status: 'in_progress', output: [] }) });
    this.emit('response.in_progress', { response: responseOf(this.shell, { status: 'in_progress', output: [] }) });
  }

  /** One compatible event; true once the stream has ended. */
  write(event: CompatEvent | null): boolean {
    if (event === null) {
      this.send(': keep-alive\n\n');
      return false;
    }
    switch (event.kind) {
      case 'reasoning_start':
        this.closeReasoning();
        this.openReasoning(sectionHeading(event.label));
        return false;
      case 'reasoning':
        if (!this.reasoning) this.openReasoning('');
        this.reasoningDelta(event.text);
        return false;
      case 'content':
        this.closeReasoning();
        this.contentDelta(event.text);
        return false;
      case 'done':
        this.finish(event.answer);
        return true;
      case 'failed':
        this.fail(event.error);
        return true;
    }
  }

  /**
   * A failure once the stream is open: `response.failed` for clients that follow the response's status, then an
   * `error` event, which the openai SDK raises as an APIError (it returns a failed response without one).
   */
  fail(error: { code: string; message: string }): void {
    this.emit('response.failed', {
      response: responseOf(this.shell, { status: 'failed', output: this.output, error }),
    });
    this.emit('error', { code: error.code, message: error.message, param: null });
    this.response.end();
  }

  private finish(answer: CompatAnswer): void {
    this.closeReasoning();
    const finish = finishOf(answer);
    const streamed = this.message?.content[0].text ?? '';
    if (answer.text.startsWith(streamed) && answer.text.length > streamed.length) {
      this.contentDelta(answer.text.slice(streamed.length));
    } else if (!this.message && !answer.toolCalls.length) {
      this.openMessage();
    }
    this.closeMessage(finish.status);
    for (const call of functionCallItemsOf(answer, this.shell.hex)) {
      const ids = { item_id: call.id, output_index: this.add({ ...call, arguments: '', status: 'in_progress' }) };
      if (call.arguments) this.emit('response.function_call_arguments.delta', { ...ids, delta: call.arguments });
      this.emit('response.function_call_arguments.done', { ...ids, name: call.name, arguments: call.arguments });
      this.output[ids.output_index] = call;
      this.emit('response.output_item.done', { output_index: ids.output_index, item: call });
    }
    const response = responseOf(this.shell, { status: finish.status, output: this.output, answer });
    this.emit(finish.status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
    this.response.end();
  }

  private add(item: OutputItem): number {
    this.output.push(item);
    this.emit('response.output_item.added', { output_index: this.output.length - 1, item });
    return this.output.length - 1;
  }

  private openReasoning(heading: string): void {
    const item: ReasoningItem = { type: 'reasoning', id: `rs_${this.shell.hex}_${this.output.length}`, summary: [] };
    const ids = { item_id: item.id, output_index: this.add(item), summary_index: 0 };
    item.summary.push({ type: 'summary_text', text: '' });
    this.emit('response.reasoning_summary_part.added', { ...ids, part: { type: 'summary_text', text: '' } });
    this.reasoning = item;
    if (heading) this.reasoningDelta(heading);
  }

  private reasoningDelta(text: string): void {
    const item = this.reasoning as ReasoningItem;
    item.summary[0].text += text;
    this.emit('response.reasoning_summary_text.delta', { ...this.idsOf(item), summary_index: 0, delta: text });
  }

  private closeReasoning(): void {
    const item = this.reasoning;
    if (!item) return;
    this.reasoning = undefined;
    const ids = { ...this.idsOf(item), summary_index: 0 };
    const part = item.summary[0];
    this.emit('response.reasoning_summary_text.done', { ...ids, text: part.text });
    this.emit('response.reasoning_summary_part.done', { ...ids, part });
    this.emit('response.output_item.done', { output_index: ids.output_index, item });
  }

  private openMessage(): MessageItem {
    const item: MessageItem = {
      type: 'message',
      id: `msg_${this.shell.hex}`,
      status: 'in_progress',
      role: 'assistant',
      content: [],
    };
    const ids = { item_id: item.id, output_index: this.add(item), content_index: 0 };
    item.content.push({ type: 'output_text', text: '', annotations: [] });
    this.emit('response.content_part.added', { ...ids, part: { type: 'output_text', text: '', annotations: [] } });
    this.message = item;
    return item;
  }

  private contentDelta(text: string): void {
    const item = this.message ?? this.openMessage();
    item.content[0].text += text;
    this.emit('response.output_text.delta', { ...this.idsOf(item), content_index: 0, delta: text, logprobs: [] });
  }

  private closeMessage(status: 'completed' | 'incomplete'): void {
    const item = this.message;
    if (!item) return;
    const ids = { ...this.idsOf(item), content_index: 0 };
    const part = item.content[0];
    this.emit('response.output_text.done', { ...ids, text: part.text, logprobs: [] });
    this.emit('response.content_part.done', { ...ids, part });
    item.status = status;
    this.emit('response.output_item.done', { output_index: ids.output_index, item });
  }

  private idsOf(item: OutputItem): { item_id: string; output_index: number } {
    return { item_id: item.id, output_index: this.output.indexOf(item) };
  }

  private emit(type: string, fields: Record<string, unknown>): void {
    const data = { type, sequence_number: this.sequence++, ...fields };
    this.send(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private send(frame: string): void {
    if (!this.response.writableEnded) this.response.write(frame);
  }
}
