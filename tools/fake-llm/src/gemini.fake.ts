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

/** The Gemini API's `usageMetadata`; the cached and thoughts counts appear only when there is something to count. */
interface GeminiUsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount?: number;
  totalTokenCount: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
}

interface GeminiCandidate {
  content: { role: 'model'; parts: { text: string }[] };
  finishReason?: string;
  index: number;
}

/** One `GenerateContentResponse`: the whole answer, or one streamed piece of it. */
interface GeminiResponse {
  candidates: GeminiCandidate[];
  usageMetadata: GeminiUsageMetadata;
  modelVersion: string;
  responseId: string;
}

/** google.rpc.Code names, which the Gemini API sends as `error.status` beside the HTTP status. */
const RPC_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/**
 * `/{version}/models/{model}:{method}`. The SDK picks the version (v1 by default in @google/genai 3.x, v1beta in
 * older releases and the docs, or whatever GOOGLE_GENAI_API_VERSION says), so every public version is accepted.
 */
const ROUTE = /^\/(v1|v1beta|v1alpha)\/models\/([^/:?]+):(generateContent|streamGenerateContent)(?:\?(.*))?$/;

let nextId = 0;

/**
 * The Gemini API (`generateContent` and `streamGenerateContent?alt=sse`): one JSON `GenerateContentResponse`, or
 * SSE `data:` lines each holding a partial one, with running `usageMetadata` on every chunk and the
 * `finishReason` with the full usage on the last. Errors use Google's `{error: {code, message, status}}` body.
 */
export class FakeGeminiServer extends FakeVendorServer {
  readonly vendor = 'gemini';

  protected async handle(request: RecordedRequest, res: ServerResponse): Promise<void> {
    const route = request.method === 'POST' ? ROUTE.exec(request.path) : null;
    if (!route) return sendError(res, 404, `Method not found: ${request.method} ${request.path}`);
    const [, , encodedModel, method, query] = route;
    const params = new URLSearchParams(query);
    if (!request.headers['x-goog-api-key'] && !params.get('key')) {
      return sendError(
        res,
        403,
        'Method doesn\'t allow unregistered callers. Please use an API key ("x-goog-api-key").',
      );
    }
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendError(res, 400, 'Invalid JSON payload received. Expected a JSON object.');
    }
    if (!Array.isArray((body as { contents?: unknown }).contents)) {
      return sendError(res, 400, '* GenerateContentRequest.contents: contents is not specified');
    }
    const model = decodeURIComponent(encodedModel);
    const reply = this.replyFor(request, model);
    if (reply.latencyMs) await sleep(reply.latencyMs);
    if (reply.status && reply.status >= 400) return sendReplyError(res, reply);
    if (method === 'generateContent') return this.sendWhole(res, reply, model);
    if (params.get('alt') !== 'sse') {
      // Without alt=sse the real API streams one JSON array; the SDKs never ask for that, so neither do the tests.
      return sendError(res, 400, 'This fake streams only with ?alt=sse, as the SDKs request.');
    }
    return this.sendStream(res, reply, model);
  }

  private sendWhole(res: ServerResponse, reply: FakeReply, model: string): void {
    const text = textOf(reply, this.defaultText(model));
    const finishReason = reply.finishReason ?? 'STOP';
    sendJson(res, 200, response(model, `gemini-${++nextId}`, text, usageMetadata(reply.usage), finishReason));
  }

  private async sendStream(res: ServerResponse, reply: FakeReply, model: string): Promise<void> {
    const id = `gemini-${++nextId}`;
    const usage = reply.usage ?? DEFAULT_USAGE;
    // Like the real API, pieces before the last report only the prompt side of the usage so far.
    const running: GeminiUsageMetadata = { promptTokenCount: usage.inputTokens, totalTokenCount: usage.inputTokens };
    if (usage.cachedInputTokens) running.cachedContentTokenCount = usage.cachedInputTokens;
    startSse(res);
    const pieces = chunksOf(reply, this.defaultText(model));
    for (let i = 0; i < pieces.length; i++) {
      if (i > 0 && reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
      sendSse(res, response(model, id, pieces[i], running));
      if (i === 0 && reply.malformed) res.write('data: {"candidates": [{"content": \n\n');
    }
    if (reply.cutOff) {
      // The connection drops before the chunk carrying finishReason and the final usage, once the text is out.
      const socket = res.socket;
      socket?.end(() => socket.destroy());
      return;
    }
    if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
    sendSse(res, response(model, id, '', usageMetadata(usage), reply.finishReason ?? 'STOP'));
    res.end();
  }

  private defaultText(model: string): string {
    return `${this.vendor} fake answer from ${model}.`;
  }
}

function response(
  model: string,
  responseId: string,
  text: string,
  usage: GeminiUsageMetadata,
  finishReason?: string,
): GeminiResponse {
  const candidate: GeminiCandidate = { content: { role: 'model', parts: [{ text }] }, index: 0 };
  if (finishReason) candidate.finishReason = finishReason;
  return { candidates: [candidate], usageMetadata: usage, modelVersion: model, responseId };
}

/**
 * Gemini counts thinking separately from the answer (`thoughtsTokenCount` beside `candidatesTokenCount`), while
 * FakeUsage counts reasoning as part of the output, so the answer's share is the output minus the reasoning.
 */
function usageMetadata(usage: FakeUsage = DEFAULT_USAGE): GeminiUsageMetadata {
  const thoughts = usage.reasoningTokens ?? 0;
  const metadata: GeminiUsageMetadata = {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: usage.outputTokens - thoughts,
    totalTokenCount: usage.inputTokens + usage.outputTokens,
  };
  if (usage.cachedInputTokens) metadata.cachedContentTokenCount = usage.cachedInputTokens;
  if (thoughts) metadata.thoughtsTokenCount = thoughts;
  return metadata;
}

function sendReplyError(res: ServerResponse, reply: FakeReply): void {
  const status = reply.status!;
  const message = reply.errorMessage ?? `The fake was scripted to fail with HTTP ${status}.`;
  if (reply.retryAfterSeconds === undefined) return sendError(res, status, message);
  // Google puts the wait in a RetryInfo detail; the header is there too for clients that only read headers.
  const details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${reply.retryAfterSeconds}s` }];
  sendError(res, status, message, details, { 'retry-after': String(reply.retryAfterSeconds) });
}

function sendError(
  res: ServerResponse,
  code: number,
  message: string,
  details?: unknown[],
  headers: Record<string, string> = {},
): void {
  const error = { code, message, status: RPC_STATUS[code] ?? 'UNKNOWN', ...(details ? { details } : {}) };
  sendJson(res, code, { error }, headers);
}
