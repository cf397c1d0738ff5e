import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeToolCall } from './fake-tools';

/** Usage a fake reports, in the vendor's own fields. */
export interface FakeUsage {
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from the vendor's cache, where the vendor reports them. */
  cachedInputTokens?: number;
  /** Hidden reasoning tokens, where the vendor reports them. */
  reasoningTokens?: number;
}

/** What the fake answers to one request. Everything is optional; defaults make a plausible answer. */
export interface FakeReply {
  /** The answer; split into `chunks` when streaming (default: about 3 words a chunk). */
  text?: string;
  chunks?: string[];
  usage?: FakeUsage;
  finishReason?: string;
  /** Wait before the response starts. */
  latencyMs?: number;
  /** Wait between streamed chunks. */
  chunkDelayMs?: number;
  /** Answer with this HTTP status and `errorBody` (in the vendor's error format when omitted). */
  status?: number;
  errorMessage?: string;
  /** Sent as `retry-after` (seconds) with an error status. */
  retryAfterSeconds?: number;
  /** Stream: stop after the chunks, without the vendor's final events, and close the connection. */
  cutOff?: boolean;
  /** Stream: send one event whose data is not JSON. */
  malformed?: boolean;
  /** Leave usage out entirely, as some OpenAI-compatible servers do. */
  omitUsage?: boolean;
  /**
   * With tools in the request: these calls instead of the default (the first tool); false answers in text. The
   * default answers a request that ends with a tool's result in text too (see fake-tools.ts).
   */
  toolCalls?: FakeToolCall[] | false;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** Chooses a reply for a request; return undefined to fall through to the next rule or the default. */
export type ReplyRule = (request: RecordedRequest) => FakeReply | undefined;

const MAX_RECORDED = 1_000;

export const DEFAULT_USAGE: FakeUsage = { inputTokens: 12, outputTokens: 9 };

/**
 * A minimal HTTP server that speaks one vendor's wire format. Tests script replies (`reply`, `replyOnce`), read
 * what the SDK sent (`requests`), and point the SDK's base URL at `url`. Subclasses implement `handle`.
 */
export abstract class FakeVendorServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests being answered right now, and the most there were at once (since `resetInFlight`). */
  inFlight = 0;
  maxInFlight = 0;
  /** One-off rules are consulted first, in the order given, so a test can interrupt a standing reply. */
  private readonly onceRules: ReplyRule[] = [];
  private readonly rules: ReplyRule[] = [];
  private server?: Server;

  abstract readonly vendor: string;

  /** Every request that matches `rule` gets its reply (until `reset`). */
  reply(rule: ReplyRule | FakeReply): this {
    this.rules.push(typeof rule === 'function' ? rule : () => rule);
    return this;
  }

  /** The next request that matches gets this reply, once, before any standing `reply` rule. */
  replyOnce(rule: ReplyRule | FakeReply): this {
    this.onceRules.push(typeof rule === 'function' ? rule : () => rule);
    return this;
  }

  /** The requests that offered tools, in order: what tests read to check tools and tool turns reached the vendor. */
  get toolRequests(): RecordedRequest[] {
    return this.requests.filter((r) => {
      const body = r.body as { tools?: unknown } | undefined;
      return Array.isArray(body?.tools) && body.tools.length > 0;
    });
  }

  reset(): void {
    this.onceRules.length = 0;
    this.rules.length = 0;
    this.requests.length = 0;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error(`${this.vendor} fake is not listening`);
    return `http://127.0.0.1:${address.port}`;
  }

  /** `backlog`: connections the kernel queues before they are accepted; a burst of thousands needs more than 511. */
  async listen(port = 0, backlog = 511): Promise<this> {
    this.server = createServer((req, res) => void this.route(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', backlog, resolve));
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The reply for a request: the first matching scripted rule, or a default answer naming the model. */
  protected replyFor(request: RecordedRequest, model: string): FakeReply {
    for (let i = 0; i < this.onceRules.length; i++) {
      const reply = this.onceRules[i](request);
      if (reply) {
        this.onceRules.splice(i, 1);
        return reply;
      }
    }
    for (const rule of this.rules) {
      const reply = rule(request);
      if (reply) return reply;
    }
    return { text: `${this.vendor} fake answer from ${model}.` };
  }

  protected abstract handle(request: RecordedRequest, res: ServerResponse): Promise<void>;

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // Left as text: the vendor module answers 400 for it.
    }
    const request: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body };
    this.requests.push(request);
    // Bounded, so a long benchmark against a fake does not grow without limit.
    if (this.requests.length > MAX_RECORDED) this.requests.splice(0, this.requests.length - MAX_RECORDED);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      await this.handle(request, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake ${this.vendor} failed: ${String(error)}` } }));
    } finally {
      this.inFlight--;
    }
  }

  /** Starts counting `maxInFlight` afresh (tests of concurrency limits read it). */
  resetInFlight(): void {
    this.maxInFlight = this.inFlight;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The reply's text in streamed pieces: the scripted chunks, or the text cut every few words. */
export function chunksOf(reply: FakeReply, fallback: string): string[] {
  if (reply.chunks) return reply.chunks;
  const text = reply.text ?? fallback;
  const words = text.split(/(?<= )/);
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += 3) pieces.push(words.slice(i, i + 3).join(''));
  return pieces.length ? pieces : [''];
}

export function textOf(reply: FakeReply, fallback: string): string {
  return reply.chunks ? reply.chunks.join('') : (reply.text ?? fallback);
}

/** Starts a server-sent-events response. */
export function startSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
}

/** Writes one SSE event; `event` is the optional event name (Anthropic names its events). */
export function sendSse(res: ServerResponse, data: unknown, event?: string): void {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  res.write(`${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
