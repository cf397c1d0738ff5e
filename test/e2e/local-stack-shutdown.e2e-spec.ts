import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { EmbeddedPostgresProcess } from '../support/embedded-postgres-process';
import { freePort } from '../support/ports';
import { type TestRedis, useTestRedis } from '../support/redis';
import { ServiceProcess } from '../support/service-process';

const root = resolve(__dirname, '../..');
const SHUTDOWN_TIMEOUT_MS = 2_000;

/** Resolves with the exit code, or 'still running' when the process has not exited within `ms`. */
async function exitWithin(service: ServiceProcess, ms: number): Promise<number | null | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((r) => (timer = setTimeout(() => r('still running'), ms)));
  try {
    return await Promise.race([service.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a service whose shutdown hangs (its Postgres went away mid-request)', () => {
  let postgres: EmbeddedPostgresProcess;
  let redis: TestRedis;
  let results: ServiceProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([EmbeddedPostgresProcess.start(), useTestRedis()]);
    env = {
      DATABASE_URL: postgres.url,
      DATABASE_POOL_SIZE: '2',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      RESULTS_PORT: String(await freePort()),
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    };
    const migrated = spawnSync(process.execPath, [resolve(root, 'services/results/dist/migrate.js')], {
      env: { ...process.env, ...env },
    });
    if (migrated.status !== 0) throw new Error(`migrations failed: ${migrated.stderr.toString()}`);
  });

  afterAll(async () => {
    await results?.kill('SIGKILL');
    await postgres?.stop();
    await redis?.stop();
  });

  it('exits after SHUTDOWN_TIMEOUT_MS on SIGTERM, naming what did not close', async () => {
    results = new ServiceProcess('results', resolve(root, 'services/results/dist/main.js'), env);
    await results.ready();
    const base = `http://127.0.0.1:${env.RESULTS_PORT}`;
    expect((await fetch(`${base}/internal/health`)).status).toBe(200);

    postgres.freeze();
    // A request that waits for the frozen database; the server is given it before anything else happens.
    const hanging = request(`${base}/internal/analyses?userId=${randomUUID()}`);
    hanging.on('error', () => undefined);
    await new Promise<void>((r) => hanging.end(r));
    // The health check gives up on the database after a second, by when the request above is in its handler.
    expect((await fetch(`${base}/internal/health`)).status).toBe(503);

    void results.kill('SIGTERM');
    expect(await exitWithin(results, SHUTDOWN_TIMEOUT_MS + 10_000)).toBe(1);
    const line = await results.waitForLine((l) => String(l.msg).startsWith('shutdown did not finish'));
    expect(line.msg).toContain(`within ${SHUTDOWN_TIMEOUT_MS} ms`);
    expect(line.msg).toContain('HTTP server (requests in flight)');
  });

  it('refuses an invalid SHUTDOWN_TIMEOUT_MS like any other configuration error', async () => {
    const invalid = new ServiceProcess('results', resolve(root, 'services/results/dist/main.js'), {
      ...env,
      SHUTDOWN_TIMEOUT_MS: 'soon',
    });
    expect(await invalid.exited).toBe(78);
    expect(invalid.stderr.join('\n')).toContain('SHUTDOWN_TIMEOUT_MS');
  });
});
