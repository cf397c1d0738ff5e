import { createTestDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { freePort } from '../support/ports';
import { type TestRedis, useTestRedis } from '../support/redis';
import { UltraStart } from '../support/ultra-start';

/** `npm start`'s supervisor as a user runs it, on this run's database and queue prefix. */
const startUltra = (env: Record<string, string>) => new UltraStart(env);

describe('npm start (scripts/start.js)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let env: Record<string, string>;

  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase(), useTestRedis()]);
    env = {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      PORT: String(await freePort()),
      RESULTS_PORT: String(await freePort()),
      JWT_SECRET: 'start-script-test-secret-0123456789abcdef',
    };
  });

  /** Supervisors a failed test left behind; SIGTERM makes each stop its services. */
  const running: UltraStart[] = [];

  afterAll(async () => {
    await Promise.all(
      running
        .filter((u) => u.child.exitCode === null && u.child.signalCode === null)
        .map((u) => (u.child.kill('SIGTERM'), u.exited)),
    );
    await db?.drop();
    await redis?.stop();
  });

  it('migrates, starts every service, answers, and stops them all on SIGTERM', async () => {
    const ultra = startUltra(env);
    running.push(ultra);
    await ultra.waitFor('Ultra is up');
    expect(ultra.output()).toContain('running migrations');
    // Each service runs as its own process, with its own log prefix.
    for (const name of ['[results]', '[orchestrator]', '[worker-1]', '[gateway]']) {
      await ultra.waitFor(`${name} INFO  service ready`);
    }
    // 200 once every service has reported ready to Redis, within a moment of its "service ready".
    await eventually('a 200 from /api/health', async () => {
      const health = await fetch(`http://127.0.0.1:${env.PORT}/api/health`);
      return health.status === 200;
    });

    ultra.child.kill('SIGTERM');
    expect(await ultra.exited).toBe(0);
    expect(ultra.output()).toContain('[ultra] stopped');
    await expect(fetch(`http://127.0.0.1:${env.PORT}/api/health`)).rejects.toThrow();
  });

  it('stops with a message naming the variable when a service’s configuration is invalid', async () => {
    const ultra = startUltra({ ...env, MOCK_FAILURE_RATE: '5' });
    running.push(ultra);
    expect(await ultra.exited).toBe(1);
    expect(ultra.output()).toContain('MOCK_FAILURE_RATE');
    expect(ultra.output()).toContain('not restarting');
  });
});
