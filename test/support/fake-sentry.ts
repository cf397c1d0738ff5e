import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One event as received: its parsed JSON, and the whole envelope as text (to search for leaked secrets). */
export interface SentryEvent {
  event: {
    exception?: { values?: { type?: string; value?: string }[] };
    tags?: Record<string, string>;
    release?: string;
    environment?: string;
    contexts?: { trace?: { trace_id?: string; span_id?: string } };
    request?: unknown;
  };
  raw: string;
}

/** A local Sentry ingest endpoint (`POST /api/<project>/envelope/`) keeping every error event it gets. */
export class FakeSentry {
  readonly events: SentryEvent[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeSentry> {
    const server = createServer();
    const sentry = new FakeSentry(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        const raw = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString();
        if (/^\/api\/\d+\/envelope\/?(\?|$)/.test(request.url ?? '')) sentry.take(raw);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return sentry;
  }

  /** The DSN of project 1 on this server. */
  get dsn(): string {
    return `http://publickey@127.0.0.1:${(this.server.address() as AddressInfo).port}/1`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** An envelope: a header line, then item header and payload lines; error events are items of type `event`. */
  private take(raw: string): void {
    const lines = raw.split('\n');
    for (let i = 1; i + 1 < lines.length; i += 2) {
      const header = JSON.parse(lines[i]) as { type?: string };
      if (header.type === 'event') this.events.push({ event: JSON.parse(lines[i + 1]) as SentryEvent['event'], raw });
    }
  }
}
