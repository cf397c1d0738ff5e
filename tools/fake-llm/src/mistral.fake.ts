import type { ServerResponse } from 'node:http';
import {
  DEFAULT_USAGE,
  FakeVendorServer,
  type FakeReply,
  type FakeUsage,
  type RecordedRequest,
  chunksOf,
  sendJson,
  sendSse,
  sleep,
  startSse,
  textOf,
} from './fake-server';
import { endsWithToolMessage, type FakeToolCall, openAiStyleTools, toolCallsFor } from './fake-tools';

/** Mistral's usage object; the details objects appear only when the API has something to report in them. */
interface MistralUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

/** Mistral's error `type` per status, as its API gateway names them. */
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  422: 'invalid_request_error',
  429: 'rate_limited',
};

let nextId = 0;

/**
 * Mistral's chat completions API (`POST /v1/chat/completions`): one JSON response, or data-only SSE chunks with the
 * usage on the final chunk (sent without being asked) and `data: [DONE]`. Errors use Mistral's
 * `{object: "error", message, type, param, code}` body.
 */
export class FakeMistralServer extends FakeVendorServer {
  readonly vendor = 'mistral';

  protected async handle(request: RecordedRequest, res: ServerResponse): Promise<void> {
    if (request.method !== 'POST' || request.path.split('?')[0] !== '/v1/chat/completions') {
      return sendError(res, 404, `No route for ${request.method} ${request.path}`);
    }
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendError(res, 400, 'Invalid request body: expected a JSON object');
    }
    const fields = body as Record<string, unknown>;
    if (typeof fields.model !== 'string' || !Array.isArray(fields.messages)) {
      return sendError(res, 422, 'Invalid request: `model` (string) and `messages` (array) are required');
    }
    const model = fields.model;
    const reply = this.replyFor(request, model);
    if (reply.latencyMs) {
      await sleep(reply.latencyMs);
      // The client gave up (abort or timeout) while we waited: nothing left to answer.
      if (res.destroyed) return;
    }
    if (reply.status && reply.status >= 400) {
      const headers: Record<string, string> =
        reply.retryAfterSeconds !== undefined ? { 'retry-after': String(reply.retryAfterSeconds) } : {};
      return sendError(res, reply.status, reply.errorMessage ?? `Fake Mistral error ${reply.status}`, headers);
    }
    const fallback = `${this.vendor} fake answer from ${model}.`;
    const calls = toolCallsFor(reply.toolCalls, openAiStyleTools(fields), endsWithToolMessage(fields.messages));
    if (fields.stream === true) return streamReply(res, model, reply, fallback, calls);
    sendJson(res, 200, {
      id: completionId(),
      object: 'chat.completion',
      created: nowSeconds(),
      model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: calls ? '' : textOf(reply, fallback),
            tool_calls: calls ? mistralCalls(calls) : null,
            prefix: false,
          },
          finish_reason: reply.finishReason ?? (calls ? 'tool_calls' : 'stop'),
        },
      ],
      usage: usageOf(reply.usage ?? DEFAULT_USAGE),
    });
  }
}

/**
 * The SSE stream the API sends: a first chunk with the role, one chunk per text piece, then a final chunk with the
 * finish reason and the usage, and `[DONE]`.
 */
async function streamReply(
  res: ServerResponse,
  model: string,
  reply: FakeReply,
  fallback: string,
  calls?: FakeToolCall[],
): Promise<void> {
  const id = completionId();
  const created = nowSeconds();
  const chunk = (delta: Record<string, unknown>, finishReason: string | null, usage?: MistralUsage) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
    ...(usage && { usage }),
  });
  const events: unknown[] = [chunk({ role: 'assistant', content: '' }, null)];
  // Mistral streams each tool call whole, in one delta, rather than in argument pieces.
  if (calls) events.push(chunk({ content: '', tool_calls: mistralCalls(calls) }, null));
  (calls ? [] : chunksOf(reply, fallback)).forEach((piece, i) => {
    events.push(chunk({ content: piece }, null));
    // One event the client cannot parse, in the middle of an otherwise well-formed stream.
    if (reply.malformed && i === 0) events.push('{"id": "broken", "choices": [');
  });
  if (!reply.cutOff) {
    const finish = reply.finishReason ?? (calls ? 'tool_calls' : 'stop');
    events.push(chunk({ content: '' }, finish, usageOf(reply.usage ?? DEFAULT_USAGE)));
    events.push('[DONE]');
  }

  startSse(res);
  if (reply.chunkDelayMs) {
    for (const event of events) {
      if (res.destroyed) return;
      sendSse(res, event);
      await sleep(reply.chunkDelayMs);
    }
  } else {
    // Without a delay, one write for the whole stream keeps the fake cheap under benchmark load.
    const payload = events.map((event) => `data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`);
    await new Promise<void>((resolve) => res.write(payload.join(''), () => resolve()));
  }
  if (reply.cutOff) {
    // Destroying the socket (after the chunks are flushed) leaves the chunked body unterminated, as a dropped
    // connection does.
    res.socket?.destroy();
    return;
  }
  res.end();
}

function usageOf(usage: FakeUsage): MistralUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    ...(usage.cachedInputTokens !== undefined && {
      prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
    }),
    ...(usage.reasoningTokens !== undefined && {
      completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    }),
  };
}

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(
    res,
    status,
    { object: 'error', message, type: ERROR_TYPES[status] ?? 'api_error', param: null, code: String(status) },
    headers,
  );
}

function completionId(): string {
  nextId = (nextId + 1) % Number.MAX_SAFE_INTEGER;
  return `cmpl-fake-${nextId.toString(16)}`;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Calls in Mistral's wire shape: nine-character alphanumeric ids, as its API requires of them. */
function mistralCalls(calls: FakeToolCall[]) {
  return calls.map((call, index) => ({
    id: `fake${String(index).padStart(5, '0')}`,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
    index,
  }));
}
