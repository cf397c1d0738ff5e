import type { PushEvent } from '@ultra/contracts';

/** One Server-Sent Events message as a client receives it. */
export interface SseMessage {
  id: string;
  event: string;
  data: PushEvent;
}

export interface SseRead {
  status: number;
  headers: Headers;
  messages: SseMessage[];
  /** Comment lines (heartbeats), without the leading colon. */
  comments: string[];
  /** The JSON body of an answer that was not an event stream (an error). */
  error?: unknown;
  /** True when the server closed the stream; false when `stopAfter` ended the read. */
  closedByServer: boolean;
}

export interface SseOptions {
  headers?: Record<string, string>;
  /** Stop reading (and disconnect) once this many messages have arrived. */
  stopAfter?: number;
  /** Gives up (and fails) after this long. */
  timeoutMs?: number;
}

/** Parses complete frames off `buffer`; returns what is left of it. */
function parseFrames(buffer: string, read: SseRead): string {
  let rest = buffer;
  for (let end = rest.indexOf('\n\n'); end >= 0; end = rest.indexOf('\n\n')) {
    const frame = rest.slice(0, end);
    rest = rest.slice(end + 2);
    const fields: Record<string, string> = {};
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) read.comments.push(line.slice(1).trim());
      else {
        const colon = line.indexOf(':');
        fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
      }
    }
    if (fields.data !== undefined) {
      read.messages.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) as PushEvent });
    }
  }
  return rest;
}

/** Reads an SSE endpoint the way EventSource would, until the server closes it (or `stopAfter` messages). */
export async function readSse(url: string, options: SseOptions = {}): Promise<SseRead> {
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new Error(`no end of ${url} within the time limit`)),
    options.timeoutMs ?? 30_000,
  );
  try {
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...options.headers },
      signal: abort.signal,
    });
    const read: SseRead = {
      status: response.status,
      headers: response.headers,
      messages: [],
      comments: [],
      closedByServer: false,
    };
    if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
      const text = await response.text();
      read.error = text ? JSON.parse(text) : null;
      return read;
    }
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        read.closedByServer = true;
        return read;
      }
      buffer = parseFrames(buffer + value, read);
      if (options.stopAfter !== undefined && read.messages.length >= options.stopAfter) {
        read.messages.length = options.stopAfter;
        await reader.cancel();
        return read;
      }
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
