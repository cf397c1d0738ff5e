/** One dispatched server-sent event. `id` is the stream's last event id at dispatch (possibly from an earlier event). */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * An incremental parser of text/event-stream, following the WHATWG rules: lines end in CRLF, LF or CR (even split
 * across chunks), `data` lines join with LF, comments (`:…`, the heartbeats) are ignored, an `id` with NUL is
 * ignored, `retry` takes digits only, and a blank line dispatches (nothing when no data was given).
 */
export class SseParser {
  /** The id to send as Last-Event-ID when reconnecting. */
  lastEventId: string | undefined;
  /** The reconnection delay the server asked for, in ms. */
  retryMs: number | undefined;
  private buffer = '';
  private pendingCr = false;
  private started = false;
  private eventType = '';
  private data: string[] = [];
  private hasData = false;
  /** An id seen in the event being read; it counts only once that event is complete (a blank line). */
  private idBuffer: string | undefined;

  feed(chunk: string): SseEvent[] {
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    // A CR ended the previous chunk: an LF starting this one belongs to the same line ending.
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    const events: SseEvent[] = [];
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    let match: RegExpExecArray | null;
    while ((match = lineEnd.exec(this.buffer)) !== null) {
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) this.pendingCr = true;
      const event = this.line(this.buffer.slice(start, match.index));
      if (event) events.push(event);
      start = match.index + match[0].length;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\u0000')) this.idBuffer = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break;
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    if (this.idBuffer !== undefined) this.lastEventId = this.idBuffer;
    const event: SseEvent | undefined = this.hasData
      ? { event: this.eventType || 'message', data: this.data.join('\n'), id: this.lastEventId }
      : undefined;
    this.eventType = '';
    this.data = [];
    this.hasData = false;
    this.idBuffer = undefined;
    return event;
  }
}
