import type { ServerResponse } from 'node:http';
import {
  DEFAULT_USAGE,
  type FakeReply,
  FakeVendorServer,
  type RecordedRequest,
  chunksOf,
  sendJson,
  sendSse,
  sleep,
  startSse,
  textOf,
} from './fake-server';
import { argumentPieces, type FakeToolCall, toolCallsFor } from './fake-tools';
import { endsWithToolResult, errorType, inputUsage, messageStart, offeredTools, outputUsage } from './anthropic-wire';

/** The request fields the fake reads; everything else the SDK sends is only recorded. */
interface MessagesRequest {
  model?: unknown;
  max_tokens?: unknown;
  messages?: unknown;
  stream?: unknown;
  tools?: unknown;
}

/**
 * API version 2026-10-21 (what the 1.x SDKs send) rejects the sampling parameters even at their defaults;
 * 2023-06-01 still accepts them. The fake does the same, so an adapter that sends them fails here as it would live.
 */
const SAMPLING_PARAMS = ['temperature', 'top_p', 'top_k'] as const;
const VERSIONS_WITHOUT_SAMPLING = new Set(['2026-10-21']);

/**
 * Anthropic's Messages API (`POST /v1/messages`): a `message` object, or named SSE events from `message_start`
 * to `message_stop`, and `{type:"error",error:{type,message}}` bodies for failures.
 */
export class FakeAnthropicServer extends FakeVendorServer {
  readonly vendor = 'anthropic';
  // A counter, not random bytes: ids only need to differ, and the fake must stay cheap per request.
  private sequence = 0;

  protected async handle(request: RecordedRequest, res: ServerResponse): Promise<void> {
    const requestId = `req_fake${++this.sequence}`;
    res.setHeader('request-id', requestId);
    if (request.method !== 'POST' || request.path.split('?')[0] !== '/v1/messages') {
      return this.sendError(res, 404, `Not found: ${request.method} ${request.path}`, requestId);
    }
    const invalid = this.validate(request);
    if (invalid) return this.sendError(res, invalid.status, invalid.message, requestId);
    const body = request.body as MessagesRequest;
    const model = body.model as string;
    const reply = this.replyFor(request, model);
    if (reply.latencyMs) await sleep(reply.latencyMs);
    // The client may have given up (aborted) while we waited; there is no one left to answer.
    if (res.destroyed) return;
    if (reply.status !== undefined && reply.status >= 400) {
      const message = reply.errorMessage ?? `fake ${errorType(reply.status)}`;
      return this.sendError(res, reply.status, message, requestId, reply.retryAfterSeconds);
    }
    const id = `msg_fake${this.sequence}`;
    const calls = toolCallsFor(reply.toolCalls, offeredTools(body), endsWithToolResult(body.messages as unknown[]));
    const toolUses = calls?.map((call, i) => ({ id: `toolu_fake${this.sequence}_${i}`, ...call }));
    if (body.stream === true) {
      return toolUses ? this.streamToolUse(res, reply, id, model, toolUses) : this.stream(res, reply, id, model);
    }
    const usage = reply.usage ?? DEFAULT_USAGE;
    sendJson(res, 200, {
      ...messageStart(id, model),
      content: toolUses
        ? toolUses.map(({ id: useId, name, arguments: args }) => ({
            type: 'tool_use',
            id: useId,
            name,
            input: JSON.parse(args) as unknown,
            caller: { type: 'direct' },
          }))
        : [{ type: 'text', text: textOf(reply, this.fallback(model)), citations: null }],
      stop_reason: reply.finishReason ?? (toolUses ? 'tool_use' : 'end_turn'),
      usage: { ...inputUsage(usage), ...outputUsage(usage), service_tier: 'standard' },
    });
  }

  /** The checks the real API makes before it looks at the prompt, in its wording where it matters. */
  private validate(request: RecordedRequest): { status: number; message: string } | undefined {
    const { headers } = request;
    const hasKey = Boolean(headers['x-api-key']) || /^Bearer \S/.test(headers.authorization ?? '');
    if (!hasKey) return { status: 401, message: 'x-api-key header is required' };
    const version = headers['anthropic-version'];
    if (typeof version !== 'string') return { status: 400, message: 'anthropic-version: header is required' };
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return { status: 400, message: 'There was an issue with your request body: it is not valid JSON.' };
    }
    const fields = body as MessagesRequest & Record<string, unknown>;
    if (typeof fields.model !== 'string') return { status: 400, message: 'model: Field required' };
    if (typeof fields.max_tokens !== 'number') return { status: 400, message: 'max_tokens: Field required' };
    if (!Array.isArray(fields.messages)) return { status: 400, message: 'messages: Field required' };
    if (VERSIONS_WITHOUT_SAMPLING.has(version)) {
      const sampling = SAMPLING_PARAMS.find((name) => name in fields);
      if (sampling) return { status: 400, message: `${sampling}: Extra inputs are not permitted` };
    }
    return undefined;
  }

  private async stream(res: ServerResponse, reply: FakeReply, id: string, model: string): Promise<void> {
    const usage = reply.usage ?? DEFAULT_USAGE;
    startSse(res);
    // Like the API, message_start carries the input side of usage and a token or so of output so far.
    const start = { ...messageStart(id, model), content: [], stop_reason: null };
    sendSse(
      res,
      {
        type: 'message_start',
        message: { ...start, usage: { ...inputUsage(usage), output_tokens: 1, service_tier: 'standard' } },
      },
      'message_start',
    );
    sendSse(
      res,
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      'content_block_start',
    );
    // The API interleaves pings; clients must skip them.
    sendSse(res, { type: 'ping' }, 'ping');
    const chunks = chunksOf(reply, this.fallback(model));
    for (let i = 0; i < chunks.length; i++) {
      if (i > 0 && reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
      if (res.destroyed) return;
      const delta = { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: chunks[i] } };
      sendSse(res, delta, 'content_block_delta');
      // Named like a real event, since the SDK skips SSE events without a name and would never parse it.
      if (i === 0 && reply.malformed)
        sendSse(res, '{"type": "content_block_delta", "index": 0, "delta": {', 'content_block_delta');
    }
    if (reply.cutOff) {
      // The connection dies mid-message: no content_block_stop, message_delta or message_stop, and no chunk terminator.
      // Flushed first, so the client does get the text before the connection dies.
      await new Promise<void>((resolve) => (res.socket ? res.socket.write('', () => resolve()) : resolve()));
      res.destroy();
      return;
    }
    sendSse(res, { type: 'content_block_stop', index: 0 }, 'content_block_stop');
    // message_delta's usage is cumulative: the final output count, and the input counts repeated.
    const final = {
      stop_reason: reply.finishReason ?? 'end_turn',
      stop_sequence: null,
      stop_details: null,
      container: null,
    };
    sendSse(
      res,
      { type: 'message_delta', delta: final, usage: { ...inputUsage(usage), ...outputUsage(usage) } },
      'message_delta',
    );
    sendSse(res, { type: 'message_stop' }, 'message_stop');
    res.end();
  }

  /**
   * A streamed tool-use turn as the API sends it: per call a `content_block_start` with the `tool_use` block (empty
   * input), `input_json_delta` pieces of its JSON, `content_block_stop`; then `stop_reason: tool_use`.
   */
  private streamToolUse(
    res: ServerResponse,
    reply: FakeReply,
    id: string,
    model: string,
    toolUses: (FakeToolCall & { id: string })[],
  ): void {
    const usage = reply.usage ?? DEFAULT_USAGE;
    startSse(res);
    const start = { ...messageStart(id, model), content: [], stop_reason: null };
    const startUsage = { ...inputUsage(usage), output_tokens: 1, service_tier: 'standard' };
    sendSse(res, { type: 'message_start', message: { ...start, usage: startUsage } }, 'message_start');
    toolUses.forEach(({ id: useId, name, arguments: args }, index) => {
      const block = { type: 'tool_use', id: useId, name, input: {}, caller: { type: 'direct' } };
      sendSse(res, { type: 'content_block_start', index, content_block: block }, 'content_block_start');
      for (const partial of argumentPieces(args)) {
        const delta = {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: partial },
        };
        sendSse(res, delta, 'content_block_delta');
      }
      sendSse(res, { type: 'content_block_stop', index }, 'content_block_stop');
    });
    const final = {
      stop_reason: reply.finishReason ?? 'tool_use',
      stop_sequence: null,
      stop_details: null,
      container: null,
    };
    sendSse(
      res,
      { type: 'message_delta', delta: final, usage: { ...inputUsage(usage), ...outputUsage(usage) } },
      'message_delta',
    );
    sendSse(res, { type: 'message_stop' }, 'message_stop');
    res.end();
  }

  private sendError(
    res: ServerResponse,
    status: number,
    message: string,
    requestId: string,
    retryAfter?: number,
  ): void {
    const headers: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': `${retryAfter}` };
    // x-should-retry tells the SDK whether a retry could help; the adapter turns retries off, the header stays real.
    headers['x-should-retry'] = String(status === 408 || status === 409 || status === 429 || status >= 500);
    const body = { type: 'error', error: { type: errorType(status), message }, request_id: requestId };
    sendJson(res, status, body, headers);
  }

  private fallback(model: string): string {
    return `${this.vendor} fake answer from ${model}.`;
  }
}
