import type { AnalyzeAccepted, AnalysisView } from '@ultra/contracts';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../support/api';
import { eventually } from '../support/eventually';
import { freePort } from '../support/ports';
import { descendantsOf, isRunning, portIsFree, UltraStart } from '../support/ultra-start';

/**
 * `npm start` as a developer runs it: embedded Postgres and a redis-server of its own (nothing answers at its
 * REDIS_URL), data in a temporary directory. A second start on the same data is refused; the supervisor is then
 * killed with SIGKILL mid-analysis, and started again.
 */
describe('npm start with its own Redis and embedded Postgres, killed with SIGKILL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ultra-local-stack-'));
  const started: UltraStart[] = [];
  /** Every process the first supervisor started, recorded before it is killed. */
  let children: number[] = [];
  let env: Record<string, string>;
  let ports: Record<'gateway' | 'results' | 'postgres' | 'redis', number>;
  let first: UltraStart;
  let user: ApiClient;
  let analysisId: string;

  const start = (extra: Record<string, string> = {}) => {
    const ultra = new UltraStart({ ...env, ...extra });
    started.push(ultra);
    return ultra;
  };

  beforeAll(async () => {
    ports = {
      gateway: await freePort(),
      results: await freePort(),
      postgres: await freePort(),
      redis: await freePort(),
    };
    env = {
      DATABASE_URL: '',
      EMBEDDED_PG_DIR: join(dataDir, 'pg'),
      EMBEDDED_PG_PORT: String(ports.postgres),
      EMBEDDED_REDIS_DIR: join(dataDir, 'redis'),
      REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
      PORT: String(ports.gateway),
      RESULTS_PORT: String(ports.results),
      JWT_SECRET: 'local-stack-test-secret-0123456789abcdef',
      // Slow enough that the analysis is still running when the supervisor is killed.
      MOCK_LATENCY_MS: '1500',
      SHUTDOWN_TIMEOUT_MS: '5000',
    };
    first = start();
    await first.ready();
  });

  afterAll(async () => {
    await Promise.all(
      started
        .filter((u) => u.child.exitCode === null && u.child.signalCode === null)
        .map((u) => (u.child.kill('SIGTERM'), u.exited)),
    );
    // Whatever a failed run left behind must not outlive the test.
    children.filter(isRunning).forEach((pid) => process.kill(pid, 'SIGKILL'));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a second start on the same data directory, naming the holder, and leaves the first running', async () => {
    const second = start({
      PORT: String(await freePort()),
      RESULTS_PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
    });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`is in use by npm start (pid ${first.pid}, since `);
    expect(second.output()).not.toContain('running migrations');
    expect((await fetch(`http://127.0.0.1:${ports.gateway}/api/health`)).status).toBe(200);
  });

  it('leaves no process behind and frees every port when the supervisor is killed mid-analysis', async () => {
    user = await new ApiClient(`http://127.0.0.1:${ports.gateway}`).registerUser();
    const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt: 'Does this survive a crash of npm start?',
      models: ['mock:alpha', 'mock:beta'],
    });
    expect(accepted.status).toBe(202);
    analysisId = accepted.body.id;
    await eventually('the analysis running', async () => {
      const view = await user.request<AnalysisView>('GET', `/api/analyses/${analysisId}`);
      return view.body.status === 'running';
    });

    children = descendantsOf(first.pid);
    // At least the four services, embedded Postgres and redis-server.
    expect(children.length).toBeGreaterThanOrEqual(6);
    first.child.kill('SIGKILL');
    await first.exited;

    await eventually('every process the supervisor started to exit', () => children.every((p) => !isRunning(p)), {
      timeoutMs: 25_000,
      intervalMs: 200,
    });
    for (const [name, port] of Object.entries(ports)) {
      expect(`${name} ${(await portIsFree(port)) ? 'free' : 'still taken'}`).toBe(`${name} free`);
    }
    expect(existsSync(join(dataDir, 'redis', 'appendonlydir'))).toBe(true);
  });

  it('started again, takes over the lock left behind and finishes the analysis (Redis kept its queues)', async () => {
    const again = start();
    await again.ready();
    expect(again.output()).toContain(`took over the lock on ${env.EMBEDDED_PG_DIR}`);
    const view = await user.waitForAnalysis(analysisId, 40_000);
    expect(view.status).toBe('completed');
  });
});
