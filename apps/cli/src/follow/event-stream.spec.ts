import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from '../api-client.js';
import { type StreamEvent, followEventStream } from './event-stream.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A local HTTP server standing in for the gateway's events route. */
async function serve(handler: Handler): Promise<{ client: ApiClient; server: Server; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { client: new ApiClient({ url, token: 'tok', tokenFromEnv: true }), server, requests };
}

const frame = (id: number, type: string, data: object) =>
  `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
const all = [
  frame(1, 'analysis.started', {}),
  frame(2, 'stage.started', { stage: 'initial' }),
  frame(3, 'output.completed', { stage: 'initial', model: 'mock:alpha' }),
  frame(4, 'analysis.completed', {}),
];

describe('followEventStream', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('reconnects with Last-Event-ID after a cut and gets every event once, in order', async () => {
    const served = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const after = Number(req.headers['last-event-id'] ?? 0);
      if (after === 0) {
        // The first connection breaks after two events (with a heartbeat and a short retry).
        res.write(`retry: 10\n: heartbeat\n\n${all[0]}${all[1]}`, () => res.destroy());
        return;
      }
      res.end(all.slice(after).join(''));
    });
    server = served.server;
    const events: StreamEvent[] = [];
    await expect(followEventStream(served.client, 'an-1', (e) => events.push(e))).resolves.toBe('ended');
    expect(events.map((e) => [e.id, e.type])).toEqual([
      ['1', 'analysis.started'],
      ['2', 'stage.started'],
      ['3', 'output.completed'],
      ['4', 'analysis.completed'],
    ]);
    expect(served.requests.map((r) => [r.url, r.headers['last-event-id'], r.headers.authorization])).toEqual([
      ['/api/analyses/an-1/events', undefined, 'Bearer tok'],
      ['/api/analyses/an-1/events', '2', 'Bearer tok'],
    ]);
    expect(served.requests[0].headers.accept).toBe('text/event-stream');
  });

  it.each([404, 405])('says the stream is unsupported when the route answers %i', async (status) => {
    const served = await serve((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"not_found","message":"Cannot GET"}}');
    });
    server = served.server;
    await expect(followEventStream(served.client, 'an-1', () => undefined)).resolves.toBe('unsupported');
  });

  it('stops with an auth error on 401 and gives up after repeated server errors', async () => {
    let status = 401;
    const served = await serve((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"unauthorized","message":"bad token"}}');
    });
    server = served.server;
    await expect(followEventStream(served.client, 'an-1', () => undefined)).rejects.toMatchObject({ exitCode: 3 });
    status = 503;
    await expect(
      followEventStream(served.client, 'an-1', () => undefined, { maxRetries: 2, retryDelayMs: 1 }),
    ).rejects.toMatchObject({ exitCode: 5, status: 503 });
    expect(served.requests).toHaveLength(1 + 3);
  });
});
