import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from '../api-client.js';
import { ApiError, NetworkError } from '../exit-codes.js';
import { busyWaitMs, UltraAsker } from './ultra-asker.js';

/** A local HTTP server standing in for the gateway: analyze answers come from `analyze`, in turn. */
async function gateway(analyze: { status: number; body: unknown }[]) {
  const posts: number[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const send = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method === 'POST' && req.url === '/api/analyze') {
        posts.push(Date.now());
        const next = analyze.shift() ?? { status: 500, body: {} };
        return send(next.status, next.body);
      }
      // No event stream here: the asker polls the analysis instead.
      if (req.url?.endsWith('/events')) return send(404, { error: { code: 'not_found', message: 'no stream' } });
      send(200, {
        id: 'a1',
        status: 'completed',
        stages: [],
        result: { model: 'mock:alpha', stage: 'answer', text: 'Answer: 4' },
        usage: { inputTokens: 10, outputTokens: 5, costUsd: 0.002 },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, posts, client: new ApiClient({ url, token: 't', tokenFromEnv: true }) };
}

const refusal = (status: number, code: string, details?: unknown) => ({
  status,
  body: { error: { code, message: `${code} here`, details } },
});

describe('UltraAsker', () => {
  let server: Server;
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('waits out a 429 for as long as the gateway says, and times the answer from the accepted submission', async () => {
    const served = await gateway([
      refusal(429, 'rate_limited', { retryAfterS: 0.3 }),
      { status: 202, body: { id: 'a1', status: 'queued' } },
    ]);
    server = served.server;
    const asked = await new UltraAsker(served.client).ask({ prompt: 'q' });
    expect(asked).toMatchObject({ analysisId: 'a1', status: 'completed', text: 'Answer: 4', costUsd: 0.002 });
    expect(served.posts[1] - served.posts[0]).toBeGreaterThanOrEqual(300);
    expect(asked.latencyMs).toBeLessThan(300);
  });

  it('records a refused request as failed with its reason, and throws what ends the run', async () => {
    const served = await gateway([
      refusal(400, 'model_unavailable'),
      refusal(402, 'budget_exhausted', { limit: 'dailyBudgetUsd' }),
    ]);
    server = served.server;
    const asker = new UltraAsker(served.client);
    expect(await asker.ask({ prompt: 'q' })).toMatchObject({
      analysisId: null,
      status: 'failed',
      error: 'model_unavailable (HTTP 400): model_unavailable here',
    });
    await expect(asker.ask({ prompt: 'q' })).rejects.toMatchObject({ status: 402, code: 'budget_exhausted' });
  });
});

describe('busyWaitMs', () => {
  it('follows retryAfterS for 429, backs off for 503 and network errors, and gives up on other refusals', () => {
    const wait = busyWaitMs(new ApiError(429, 'rate_limited', 'slow down', { retryAfterS: 3 }), 0)!;
    expect(wait).toBeGreaterThanOrEqual(3_000);
    expect(wait).toBeLessThan(3_250);
    expect(busyWaitMs(new ApiError(503, 'service_unavailable', 'later'), 2)).toBe(4_000);
    expect(busyWaitMs(new NetworkError('http://x', 'ECONNREFUSED'), 10)).toBe(30_000);
    expect(busyWaitMs(new ApiError(400, 'validation_failed', 'no'), 0)).toBeUndefined();
    expect(busyWaitMs(new Error('boom'), 0)).toBeUndefined();
  });
});
