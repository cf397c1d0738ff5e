import type { ApiClient } from '../api-client.js';
import { toApiError } from '../api-client.js';
import { NetworkError } from '../exit-codes.js';
import { SseParser } from './sse-parser.js';

/** One event of `GET /api/analyses/:id/events`, its JSON data parsed. */
export interface StreamEvent {
  type: string;
  id?: string;
  data: Record<string, unknown>;
}

export const FINAL_EVENTS = new Set(['analysis.completed', 'analysis.failed']);

export interface FollowOptions {
  /** Reconnections in a row that bring no event before giving up. */
  maxRetries?: number;
  /** Delay before reconnecting when the server gave no `retry:`. */
  retryDelayMs?: number;
}

/**
 * Reads an analysis' event stream until its final event, reconnecting with Last-Event-ID when the connection drops
 * (the server replays exactly what came after it). 'unsupported' when the gateway has no such route (404/405
 * before any event, or an answer that is not an event stream): the caller polls instead.
 */
export async function followEventStream(
  client: ApiClient,
  analysisId: string,
  onEvent: (event: StreamEvent) => void,
  options: FollowOptions = {},
): Promise<'ended' | 'unsupported'> {
  const parser = new SseParser();
  const maxRetries = options.maxRetries ?? 5;
  let failures = 0;
  let received = 0;
  for (;;) {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (parser.lastEventId !== undefined) headers['last-event-id'] = parser.lastEventId;
    let lastError: Error;
    try {
      const response = await client.raw('GET', `/api/analyses/${encodeURIComponent(analysisId)}/events`, {
        headers,
      });
      const isStream = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
      if (received === 0 && (response.status === 404 || response.status === 405 || (response.ok && !isStream))) {
        await response.body?.cancel();
        return 'unsupported';
      }
      if (!response.ok) {
        const error = await toApiError(response);
        if (response.status < 500) throw error;
        lastError = error;
      } else {
        const before = received;
        const ended = await readStream(response, parser, (event) => {
          received++;
          onEvent(event);
        });
        if (ended) return 'ended';
        if (received > before) failures = 0;
        lastError = new NetworkError(client.url, 'the event stream closed before the analysis ended');
      }
    } catch (error) {
      if (!(error instanceof NetworkError || isReadError(error))) throw error;
      lastError = error as Error;
    }
    if (++failures > maxRetries) throw lastError;
    await new Promise((resolve) => setTimeout(resolve, parser.retryMs ?? options.retryDelayMs ?? 1000));
  }
}

/** true once the final event has been read; false when the stream ended (or broke) before it. */
async function readStream(
  response: Response,
  parser: SseParser,
  onEvent: (event: StreamEvent) => void,
): Promise<boolean> {
  if (!response.body) return false;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return false;
      for (const sse of parser.feed(value)) {
        const event: StreamEvent = { type: sse.event, id: sse.id, data: parseData(sse.data) };
        onEvent(event);
        if (FINAL_EVENTS.has(event.type)) return true;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function parseData(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return { text };
  }
}

/** A connection cut mid-body surfaces as a TypeError ("terminated") from the reader; by name, as realms differ. */
function isReadError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'TypeError';
}
