import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { AnalyzeAccepted, ApiErrorBody } from '@ultra/contracts';
import { Redis } from 'ioredis';
import { ApiClient } from '../../../../test/support/api';
import { eventually } from '../../../../test/support/eventually';
import { freePort } from '../../../../test/support/ports';
import { type FakeResults, startFakeResults } from '../testing/fake-results';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';

/** A Redis of this test's own, so it can be stopped and started again without touching anyone else's. */
class OwnRedis {
  private child: ChildProcess | undefined;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await eventually('redis-server answering', async () => {
      const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } finally {
        client.disconnect();
      }
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}

let redis: OwnRedis;
let gateway: GatewayTestApp;
let results: FakeResults;
let user: ApiClient;

beforeAll(async () => {
  redis = new OwnRedis(await freePort());
  await redis.start();
  results = await startFakeResults();
  // Production's fail-fast defaults, which the test app otherwise raises for a loaded machine.
  gateway = await startGatewayTestApp({
    RESULTS_URL: results.server.url,
    REDIS_URL: redis.url,
    REDIS_COMMAND_TIMEOUT_MS: '800',
    QUEUE_ADD_TIMEOUT_MS: '1000',
  });
  user = await new ApiClient(gateway.url).registerUser();
});

afterAll(async () => {
  await gateway?.close();
  await results?.server.close();
  await redis?.stop();
});

/** The outage contract: an answer within a second, never a request left hanging. */
async function withinASecond<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  // A timer of our own rather than AbortSignal.timeout, so none is left running once the answer is in.
  const timer = setTimeout(() => abort.abort(new Error(`${method} ${path} took more than a second`)), 1_000);
  try {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${user.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: abort.signal,
    });
    return { status: response.status, body: (await response.json()) as T & ApiErrorBody };
  } finally {
    clearTimeout(timer);
  }
}

const question = { prompt: 'Is Redis there?', models: ['mock:alpha'] };

describe('the gateway while Redis is down', () => {
  let queued: string;

  it('works while Redis is up', async () => {
    const accepted = await withinASecond<AnalyzeAccepted>('POST', '/api/analyze', question);
    expect(accepted.status).toBe(202);
    queued = accepted.body.id;
    expect((await withinASecond('GET', '/api/health/ready')).status).toBe(200);
  });

  it('answers 503 service_unavailable within a second on every route that needs Redis, keeping nothing', async () => {
    await redis.stop();
    const before = results.created.length;
    for (const [method, path, body, headers] of [
      ['POST', '/api/analyze', question, {}],
      ['POST', '/api/analyze', question, { 'idempotency-key': 'outage-1' }],
      ['POST', `/api/analyses/${queued}/cancel`, undefined, {}],
    ] as const) {
      const response = await withinASecond(method, path, body, headers);
      expect({ route: `${method} ${path}`, status: response.status, code: response.body.error?.code }).toEqual({
        route: `${method} ${path}`,
        status: 503,
        code: 'service_unavailable',
      });
    }
    // Within a second of the outage preflight may still pass on its cached breaker read; then the analysis that
    // cannot be queued is removed again.
    const recorded = results.created.slice(before).map((c) => c.id);
    expect(results.deleted).toEqual(expect.arrayContaining(recorded));
  });

  it('lists the models from its last breaker read (at most a second old), then answers 503', async () => {
    const listed = await eventually('a 503 from /api/available-models', async () => {
      const response = await withinASecond('GET', '/api/available-models');
      return response.status === 503 && response.body;
    });
    expect(listed.error).toEqual({ code: 'service_unavailable', message: expect.stringContaining('Redis') });
  });

  it('answers reads 503 too: every signed-in request checks its session and limits in Redis', async () => {
    // Failing open would let a revoked session or an over-limit caller through while Redis is away.
    expect(await withinASecond('GET', `/api/analyses/${queued}`)).toMatchObject({
      status: 503,
      body: { error: { code: 'service_unavailable', message: expect.stringContaining('Redis') } },
    });
  });

  it('reports itself live but not ready, naming Redis', async () => {
    expect(await withinASecond('GET', '/api/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await withinASecond('GET', '/api/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'error', checks: { redis: 'down', database: 'up', results: 'up' } });
  });

  it('reconnects by itself once Redis is back: analyze and cancel succeed again', async () => {
    await redis.start();
    const accepted = await eventually('an accepted analysis', async () => {
      const response = await withinASecond<AnalyzeAccepted>('POST', '/api/analyze', question);
      return response.status === 202 && response.body;
    });
    const cancelled = await withinASecond('POST', `/api/analyses/${accepted.id}/cancel`);
    expect(cancelled).toEqual({ status: 202, body: { id: accepted.id, status: 'cancelling' } });
    expect((await withinASecond('GET', '/api/health/ready')).status).toBe(200);
  });
});
