import type { FleetHealthReport } from '@ultra/platform';
import { eventually } from '../support/eventually';
import { TestStack } from '../support/stack';

/** Short, so a dead instance's heartbeat (three intervals) expires within the test. */
const HEARTBEAT_MS = 300;

interface Answer {
  status: number;
  body: FleetHealthReport;
}

/**
 * The gateway's `GET /api/health` covers the whole installation: every instance writes its readiness to Redis
 * (under the stack's queue prefix), and the gateway reads them, without knowing any instance's address.
 */
describe('GET /api/health aggregates every service from their heartbeats', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ workers: 2, env: { HEALTH_HEARTBEAT_MS: String(HEARTBEAT_MS) } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function health(): Promise<Answer> {
    const response = await fetch(`${stack.baseUrl}/api/health`);
    return { status: response.status, body: (await response.json()) as FleetHealthReport };
  }

  it('is 200 with orchestrator, both provider-workers and results ready', async () => {
    // Results starts its workers last in its boot; it reports ready a moment after.
    const answer = await eventually('a 200 from /api/health', async () => {
      const got = await health();
      return got.status === 200 && got;
    });
    expect(answer.body).toMatchObject({ status: 'ok', checks: { redis: 'up', database: 'up' } });
    const { services } = answer.body;
    expect(Object.keys(services)).toEqual(['orchestrator', 'provider-worker', 'results', 'gateway']);
    expect(services.orchestrator).toMatchObject({ status: 'ok', ready: 1 });
    expect(services.results).toMatchObject({ status: 'ok', ready: 1 });
    // Two worker processes, two instances, each named by its pid.
    const workers = services['provider-worker'];
    expect(workers).toMatchObject({ status: 'ok', ready: 2 });
    expect(workers?.instances.map((i) => i.instance.split(':').pop()).sort()).toEqual(
      stack.workers.map((w) => String(w.pid)).sort(),
    );
    expect(workers?.instances[0]).toEqual({
      instance: expect.any(String),
      status: 'ok',
      checks: { redis: 'up', consuming: 'up' },
      at: expect.any(String),
    });
    expect(services.gateway?.instances).toHaveLength(1);
    // Readiness stays this gateway's own.
    expect((await fetch(`${stack.baseUrl}/api/health/ready`)).status).toBe(200);
  });

  it('turns 503 naming the orchestrator once its only instance is killed, within its heartbeat’s lifetime', async () => {
    await stack.service('orchestrator').kill('SIGKILL');
    const killedAt = Date.now();
    const down = await eventually(
      'a 503 from /api/health',
      async () => {
        const answer = await health();
        return answer.status === 503 && answer;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    // Three intervals, plus a beat's own duration and the polling.
    expect(Date.now() - killedAt).toBeLessThan(HEARTBEAT_MS * 3 + 1_000);
    expect(down.body.status).toBe('error');
    expect(down.body.services.orchestrator).toEqual({ status: 'missing', ready: 0, instances: [] });
    expect(down.body.services['provider-worker']).toMatchObject({ status: 'ok', ready: 2 });
    expect(down.body.services.results).toMatchObject({ status: 'ok' });
    // The gateway itself is still fine: its own probe does not depend on the orchestrator.
    expect((await fetch(`${stack.baseUrl}/api/health/ready`)).status).toBe(200);
  });
});
