import type { ServerResponse } from 'node:http';
import {
  DEFAULT_USAGE,
  type FakeReply,
  type FakeUsage,
  FakeVendorServer,
  type RecordedRequest,
  chunksOf,
  sendJson,
  sendSse,
  startSse,
  textOf,
} from './fake-server';
import { argumentPieces, endsWithToolMessage, type FakeToolCall, openAiStyleTools, toolCallsFor } from './fake-tools';

/** The request fields the fake reads; everything else the SDK sends is only recorded. */
interface ChatCompletionRequest {
  model?: unknown;
  messages?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown } | null;
  tools?: unknown;
}

// The SDK appends /chat/completions to its base URL, so a base URL with or without /v1 both reach the fake.
const CHAT_PATHS = new Set(['/v1/chat/completions', '/chat/completions']);

// OpenAI's own answer to a body that is not JSON, so clients see exactly what the real API says.
const NOT_JSON =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library " +
  'correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)';

/** The `type` and `code` OpenAI puts in its error body for a status. */
function errorKind(status: number): { type: string; code: string | null } {
  if (status === 401) return { type: 'invalid_request_error', code: 'invalid_api_key' };
  if (status === 403) return { type: 'invalid_request_error', code: 'unsupported_country_region_territory' };
  if (status === 404) return { type: 'invalid_request_error', code: 'model_not_found' };
  if (status === 429) return { type: 'requests', code: 'rate_limit_exceeded' };
  if (status >= 500) return { type: 'server_error', code: null };
  return { type: 'invalid_request_error', code: null };
}

function sendError(res: ServerResponse, status: number, message: string, retryAfterSeconds?: number): void {
  const headers: Record<string, string> =
    retryAfterSeconds === undefined ? {} : { 'retry-after': `${retryAfterSeconds}` };
  sendJson(res, status, { error: { message, ...errorKind(status), param: null } }, headers);
}

/** Chat Completions usage, with the detail objects OpenAI always sends (zeros when nothing was cached or reasoned). */
function usageOf(usage: FakeUsage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Waits `ms`, but no longer than the client stays connected, so an aborted call frees the fake at once. */
function pause(res: ServerResponse, ms: number | undefined): Promise<void> {
  if (!ms || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.on('close', done);
  });
}

function isChatCompletionRequest(body: unknown): body is ChatCompletionRequest {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

/**
 * OpenAI Chat Completions (and every OpenAI-compatible server: Ollama, vLLM, OpenRouter, ...) on the wire:
 * `chat.completion` JSON, `chat.completion.chunk` server-sent events ending in `data: [DONE]`, the usage chunk
 * when `stream_options.include_usage` is set, and `{error:{message,type,param,code}}` bodies.
 */
export class FakeOpenAiServer extends FakeVendorServer {
  readonly vendor = 'openai';
  private sequence = 0;

  protected async handle(request: RecordedRequest, res: ServerResponse): Promise<void> {
    const path = request.path.split('?')[0];
    if (request.method !== 'POST' || !CHAT_PATHS.has(path)) {
      return sendError(res, 404, `Unknown request URL: ${request.method} ${path}.`);
    }
    const body = request.body;
    if (!isChatCompletionRequest(body)) return sendError(res, 400, NOT_JSON);
    if (typeof body.model !== 'string' || !body.model) return sendError(res, 400, 'you must provide a model parameter');
    if (!Array.isArray(body.messages)) return sendError(res, 400, "Missing required parameter: 'messages'.");

    const model = body.model;
    const reply = this.replyFor(request, model);
    await pause(res, reply.latencyMs);
    if (res.destroyed) return;
    if (reply.status !== undefined && reply.status >= 400) {
      const message = reply.errorMessage ?? `The fake ${this.vendor} server answered ${reply.status}.`;
      return sendError(res, reply.status, message, reply.retryAfterSeconds);
    }

    const head = {
      id: `chatcmpl-fake${++this.sequence}`,
      created: Math.floor(Date.now() / 1000),
      model,
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    };
    const fallback = `${this.vendor} fake answer from ${model}.`;
    const calls = toolCallsFor(reply.toolCalls, openAiStyleTools(body), endsWithToolMessage(body.messages));
    const toolCalls = calls?.map((call, i) => ({ id: `call_fake${this.sequence}_${i}`, ...call }));
    if (body.stream === true) {
      if (toolCalls) return this.streamToolCalls(res, reply, head, toolCalls, body.stream_options?.include_usage);
      await this.stream(res, reply, head, fallback, body.stream_options?.include_usage === true);
    } else {
      this.complete(res, reply, head, fallback, toolCalls);
    }
  }

  private complete(
    res: ServerResponse,
    reply: FakeReply,
    head: object,
    fallback: string,
    toolCalls?: (FakeToolCall & { id: string })[],
  ): void {
    // A turn that only calls tools has `content: null` and `tool_calls`, and stops for `tool_calls`.
    const message = toolCalls
      ? {
          role: 'assistant',
          content: null,
          tool_calls: toolCalls.map(({ id, name, arguments: args }) => ({
            id,
            type: 'function',
            function: { name, arguments: args },
          })),
          refusal: null,
          annotations: [],
        }
      : { role: 'assistant', content: textOf(reply, fallback), refusal: null, annotations: [] };
    const completion = JSON.stringify({
      ...head,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message,
          logprobs: null,
          finish_reason: reply.finishReason ?? (toolCalls ? 'tool_calls' : 'stop'),
        },
      ],
      ...(!reply.omitUsage && { usage: usageOf(reply.usage ?? DEFAULT_USAGE) }),
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    if (!reply.malformed && !reply.cutOff) {
      res.end(completion);
      return;
    }
    // Half a body: the JSON cannot be parsed, and with cutOff the connection dies before the body is complete.
    res.write(completion.slice(0, completion.length >> 1));
    if (reply.cutOff) res.socket?.end();
    else res.end();
  }

  private async stream(
    res: ServerResponse,
    reply: FakeReply,
    head: object,
    fallback: string,
    includeUsage: boolean,
  ): Promise<void> {
    // With include_usage, OpenAI sends `usage: null` on every chunk but the last.
    const chunk = (choices: unknown[], usage: unknown = null) =>
      includeUsage
        ? { ...head, object: 'chat.completion.chunk', choices, usage }
        : { ...head, object: 'chat.completion.chunk', choices };
    const choice = (delta: object, finishReason: string | null = null) => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finishReason,
    });

    startSse(res);
    sendSse(res, chunk([choice({ role: 'assistant', content: '', refusal: null })]));
    const pieces = chunksOf(reply, fallback);
    for (let i = 0; i < pieces.length; i++) {
      await pause(res, reply.chunkDelayMs);
      // The client went away (aborted or failed on a malformed event): stop writing into a dead socket.
      if (res.destroyed) return;
      sendSse(res, chunk([choice({ content: pieces[i] })]));
      if (reply.malformed && i === Math.floor((pieces.length - 1) / 2)) sendSse(res, '{"choices": [{"delta": ');
    }
    if (reply.cutOff) {
      // Closes the connection once the chunks are flushed, without the final chunk, usage or [DONE].
      res.socket?.end();
      return;
    }
    sendSse(res, chunk([choice({}, reply.finishReason ?? 'stop')]));
    if (includeUsage && !reply.omitUsage) sendSse(res, chunk([], usageOf(reply.usage ?? DEFAULT_USAGE)));
    sendSse(res, '[DONE]');
    res.end();
  }

  /**
   * A streamed tool-calling turn as OpenAI sends it: each call's first `delta.tool_calls` entry carries its index,
   * id, type and name with empty arguments, then pieces of the arguments follow under the same index; the last
   * chunk stops for `tool_calls`.
   */
  private streamToolCalls(
    res: ServerResponse,
    reply: FakeReply,
    head: object,
    toolCalls: (FakeToolCall & { id: string })[],
    includeUsage: unknown,
  ): void {
    const chunk = (delta: object, finishReason: string | null = null, usage: unknown = null) => ({
      ...head,
      object: 'chat.completion.chunk',
      choices: usage ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(includeUsage === true && { usage }),
    });
    startSse(res);
    sendSse(res, chunk({ role: 'assistant', content: null, refusal: null }));
    toolCalls.forEach(({ id, name, arguments: args }, index) => {
      const start = { index, id, type: 'function', function: { name, arguments: '' } };
      sendSse(res, chunk({ tool_calls: [start] }));
      for (const piece of argumentPieces(args))
        sendSse(res, chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    });
    sendSse(res, chunk({}, reply.finishReason ?? 'tool_calls'));
    if (includeUsage === true && !reply.omitUsage) sendSse(res, chunk({}, null, usageOf(reply.usage ?? DEFAULT_USAGE)));
    sendSse(res, '[DONE]');
    res.end();
  }
}
