import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
}

export interface FakeReply {
  status: number;
  body?: unknown;
}

export type FakeHandler = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

export interface FakeJsonServer {
  url: string;
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  /** Replaces the handler, e.g. to make the fake fail for one test. */
  handle(handler: FakeHandler): void;
  close(): Promise<void>;
}

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A tiny JSON HTTP server on 127.0.0.1 standing in for another service; records what it was sent. */
export async function startFakeJsonServer(initial: FakeHandler): Promise<FakeJsonServer> {
  let handler = initial;
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://fake'),
        headers: req.headers,
        body: parse(Buffer.concat(chunks).toString('utf8')),
      };
      requests.push(recorded);
      void Promise.resolve()
        .then(() => handler(recorded))
        .catch((error: unknown) => ({ status: 500, body: { error: String(error) } }))
        .then(({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(body === undefined ? '' : JSON.stringify(body));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (next) => {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface JsonRequestOptions {
  /** Sent as JSON unless it is a string, which is sent as-is (e.g. malformed JSON). */
  body?: unknown;
  /** Bearer token for the Authorization header. */
  token?: string;
  headers?: Record<string, string>;
}

/** One HTTP call with a JSON body and a parsed JSON answer (or the text when the answer is not JSON). */
export async function jsonRequest<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  options: JsonRequestOptions = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  return { status: response.status, headers: response.headers, body: parse(await response.text()) as T };
}
