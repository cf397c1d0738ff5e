import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallbackUrlRefusedError, parseAllowHosts } from '@ultra/platform';
import type { ResultsConfig } from '../config/results.config';
import { WebhookHttpClient } from './webhook-http.client';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A receiver on loopback that answers each request with `reply` and keeps what it got. */
async function receiver(
  reply: (res: ServerResponse) => void,
): Promise<{ server: Server; port: number; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      reply(res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, got };
}

function clientWith(allowHosts: string, timeoutMs = 2_000): WebhookHttpClient {
  const config = { WEBHOOK_ALLOW_HOSTS: parseAllowHosts(allowHosts), WEBHOOK_TIMEOUT_MS: timeoutMs };
  return new WebhookHttpClient(config as ResultsConfig);
}

describe('WebhookHttpClient', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    }
  });

  async function listen(reply: (res: ServerResponse) => void) {
    const started = await receiver(reply);
    servers.push(started.server);
    return started;
  }

  it('POSTs the JSON body with the given headers to an allowed host and reports a 2xx as delivered', async () => {
    const { port, got } = await listen((res) => res.writeHead(204).end());
    const answer = await clientWith('127.0.0.1').post(`http://127.0.0.1:${port}/hook?x=1`, '{"a":1}', {
      'ultra-event': 'analysis.completed',
    });
    expect(answer).toEqual({ status: 204, error: null });
    expect(got).toHaveLength(1);
    expect(got[0]?.body).toBe('{"a":1}');
    expect(got[0]?.headers).toMatchObject({ 'content-type': 'application/json', 'ultra-event': 'analysis.completed' });
  });

  it('reports a non-2xx answer, a redirect included, as a failed attempt with its status', async () => {
    const failing = await listen((res) => res.writeHead(500).end('boom'));
    expect(await clientWith('127.0.0.1').post(`http://127.0.0.1:${failing.port}/`, '{}', {})).toEqual({
      status: 500,
      error: 'the receiver answered HTTP 500 Internal Server Error',
    });
    const redirecting = await listen((res) => res.writeHead(302, { location: 'http://10.0.0.1/' }).end());
    expect(await clientWith('127.0.0.1').post(`http://127.0.0.1:${redirecting.port}/`, '{}', {})).toMatchObject({
      status: 302,
    });
    expect(redirecting.got).toHaveLength(1);
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const { port } = await listen(() => undefined);
    const answer = await clientWith('127.0.0.1', 300).post(`http://127.0.0.1:${port}/`, '{}', {});
    expect(answer).toEqual({ status: null, error: 'no answer within 300 ms' });
  });

  it('refuses a host that is not allowed and resolves to loopback, before any request reaches it', async () => {
    const { port, got } = await listen((res) => res.writeHead(200).end());
    const client = clientWith('127.0.0.1');
    const refused = await client.post(`http://localhost:${port}/`, '{}', {}).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CallbackUrlRefusedError);
    expect((refused as Error).message).toMatch(/^host localhost resolves to (127\.0\.0\.1|::1), a loopback address$/);
    await expect(clientWith('').post(`http://2130706433:${port}/`, '{}', {})).rejects.toThrow(
      'host 127.0.0.1 is a loopback address',
    );
    expect(got).toHaveLength(0);
  });
});
