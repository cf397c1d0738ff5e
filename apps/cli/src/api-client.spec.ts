import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from './api-client.js';

interface Seen {
  method?: string;
  url?: string;
  authorization?: string;
  contentType?: string;
  body: string;
}

/** A local HTTP server standing in for the gateway; answers with `reply` and records each request. */
async function serve(reply: (req: Seen) => { status: number; body?: unknown }) {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: Seen = {
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(request);
      const { status, body } = reply(request);
      res.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? '' : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('ApiClient', () => {
  let server: Server;
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('refreshes an expired access token once with the stored refresh token, saves the pair and retries', async () => {
    const served = await serve((req) => {
      if (req.url === '/api/auth/refresh') {
        return { status: 200, body: { user: { id: 'u', email: 'e' }, accessToken: 'new', refreshToken: 'r2' } };
      }
      return req.authorization === 'Bearer new'
        ? { status: 200, body: { models: [] } }
        : { status: 401, body: { error: { code: 'unauthorized', message: 'token expired' } } };
    });
    server = served.server;
    const saved: unknown[] = [];
    const client = new ApiClient({ url: served.url, token: 'old', refreshToken: 'r1', tokenFromEnv: false }, (t) => {
      saved.push(t);
      return Promise.resolve();
    });
    await expect(client.json('GET', '/api/available-models')).resolves.toEqual({ models: [] });
    expect(saved).toEqual([{ token: 'new', refreshToken: 'r2' }]);
    expect(served.seen.map((r) => [r.url, r.authorization])).toEqual([
      ['/api/available-models', 'Bearer old'],
      ['/api/auth/refresh', 'Bearer old'],
      ['/api/available-models', 'Bearer new'],
    ]);
    expect(JSON.parse(served.seen[1].body)).toEqual({ refreshToken: 'r1' });
  });

  it('does not refresh a token from ULTRA_TOKEN, and reports the API error with its code (exit 3)', async () => {
    const served = await serve(() => ({
      status: 401,
      body: { error: { code: 'unauthorized', message: 'bad token' } },
    }));
    server = served.server;
    const client = new ApiClient({ url: served.url, token: 't', refreshToken: 'r', tokenFromEnv: true });
    await expect(client.json('GET', '/api/patterns')).rejects.toMatchObject({
      status: 401,
      code: 'unauthorized',
      exitCode: 3,
      message: expect.stringContaining('bad token'),
    });
    expect(served.seen).toHaveLength(1);
  });

  it('uploads a file as multipart form data in field `file`, and sends query strings without empty values', async () => {
    const served = await serve(() => ({ status: 201, body: { id: 'doc-1' } }));
    server = served.server;
    const client = new ApiClient({ url: served.url, token: 't', tokenFromEnv: true });
    await expect(client.upload('/api/documents', 'notes.md', Buffer.from('# Notes\n'))).resolves.toEqual({
      id: 'doc-1',
    });
    expect(served.seen[0].contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(served.seen[0].body).toContain('Content-Disposition: form-data; name="file"; filename="notes.md"');
    expect(served.seen[0].body).toContain('# Notes\n');
    await client.json('GET', '/api/analyses', { query: { status: 'failed', model: undefined, limit: 5 } });
    expect(served.seen[1].url).toBe('/api/analyses?status=failed&limit=5');
  });
});
