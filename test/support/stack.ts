import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolve } from 'node:path';
import { createTestDatabase, type TestDatabase } from './database';
import { freePort } from './ports';
import { type TestRedis, useTestRedis } from './redis';
import { ServiceProcess } from './service-process';
import { UNLIMITED_TIERS } from './test-tiers';

const execFileAsync = promisify(execFile);
const root = resolve(__dirname, '../..');
/** The built script of a service: its main.js, or another file of its dist/ such as migrate.js. */
export const dist = (service: string, file = 'main.js') => resolve(root, 'services', service, 'dist', file);

export interface StackBacking {
  redisUrl: string;
  queuePrefix: string;
  databaseUrl: string;
}

/** What every service of a stack runs with: its Redis and database, free ports for the gateway and results. */
export async function stackEnv(backing: StackBacking, extra: Record<string, string>): Promise<Record<string, string>> {
  const [gatewayPort, resultsPort] = [await freePort(), await freePort()];
  return {
    REDIS_URL: backing.redisUrl,
    QUEUE_PREFIX: backing.queuePrefix,
    DATABASE_URL: backing.databaseUrl,
    DATABASE_POOL_SIZE: '4',
    // Tests follow per-call lines (model call completed, stage launched), which are logged at debug.
    LOG_LEVEL: 'debug',
    PORT: String(gatewayPort),
    HOST: '127.0.0.1',
    RESULTS_PORT: String(resultsPort),
    RESULTS_URL: `http://127.0.0.1:${resultsPort}`,
    JWT_SECRET: 'test-secret-of-sufficient-length-0123456789',
    NODE_ENV: 'test',
    TIERS: UNLIMITED_TIERS,
    // Generous on a loaded 2-core machine; production's fail-fast defaults are tested in redis-outage.int-spec.
    REDIS_COMMAND_TIMEOUT_MS: '3000',
    QUEUE_ADD_TIMEOUT_MS: '4000',
    ...extra,
  };
}

/** The migrations of results and gateway; asynchronously, as the embedded Postgres fallback answers from this process. */
export async function migrateStack(env: Record<string, string>): Promise<void> {
  for (const service of ['results', 'gateway']) {
    await execFileAsync(process.execPath, [dist(service, 'migrate.js')], {
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
  }
}

export interface StackOptions {
  workers?: number;
  /** Extra environment for every service, e.g. MOCK_LATENCY_MS. */
  env?: Record<string, string>;
  /** A Redis of the test's own (e.g. a cluster node); the stack stops it. Default: the shared test Redis. */
  redis?: TestRedis;
}

/**
 * All four services as separate processes built from dist/, on the real Redis (own queue prefix) and a
 * database created for this run. What `npm start` runs, minus the supervisor.
 */
export class TestStack {
  readonly workers: ServiceProcess[] = [];
  private readonly others: ServiceProcess[] = [];
  private workerCount = 0;
  /** The orchestrator's environment: the stack's plus its METRICS_PORT. */
  orchestratorEnv: Record<string, string> = {};

  private constructor(
    readonly baseUrl: string,
    readonly env: Record<string, string>,
    private readonly redis: TestRedis,
    private readonly database: TestDatabase,
  ) {}

  static async start(options: StackOptions = {}): Promise<TestStack> {
    const [redis, database] = await Promise.all([options.redis ?? useTestRedis(), createTestDatabase()]);
    const env = await stackEnv(
      { redisUrl: redis.url, queuePrefix: redis.prefix, databaseUrl: database.url },
      { MOCK_LATENCY_MS: '20', MODEL_CALL_BACKOFF_MS: '50', ...options.env },
    );
    const stack = new TestStack(`http://127.0.0.1:${env.PORT}`, env, redis, database);
    try {
      await migrateStack(env);
    } catch (error) {
      await stack.stop();
      throw error;
    }
    // The services without an HTTP API serve /metrics on a port of their own (METRICS_PORT), one each.
    stack.orchestratorEnv = { ...env, METRICS_PORT: String(await freePort()) };
    stack.others.push(
      new ServiceProcess('results', dist('results'), env),
      new ServiceProcess('orchestrator', dist('orchestrator'), stack.orchestratorEnv),
      new ServiceProcess('gateway', dist('gateway'), env),
    );
    for (let i = 0; i < (options.workers ?? 1); i++) stack.addWorker({ METRICS_PORT: String(await freePort()) });
    try {
      await Promise.all([...stack.others, ...stack.workers].map((p) => p.ready()));
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  service(name: 'results' | 'orchestrator' | 'gateway'): ServiceProcess {
    const found = this.others.find((p) => p.name === name);
    if (!found) throw new Error(`no service ${name}`);
    return found;
  }

  /** Kills a service outright (a crash, not a shutdown) and starts a fresh process in its place. */
  async crashAndRestart(name: 'results' | 'orchestrator' | 'gateway'): Promise<ServiceProcess> {
    const old = this.service(name);
    await old.kill('SIGKILL');
    const fresh = new ServiceProcess(name, dist(name), name === 'orchestrator' ? this.orchestratorEnv : this.env);
    this.others.splice(this.others.indexOf(old), 1, fresh);
    await fresh.ready();
    return fresh;
  }

  addWorker(env: Record<string, string> = {}): ServiceProcess {
    const worker = new ServiceProcess(`provider-worker-${++this.workerCount}`, dist('provider-worker'), {
      ...this.env,
      ...env,
    });
    this.workers.push(worker);
    return worker;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers, ...this.others].map((p) => p.kill('SIGKILL')));
    await Promise.allSettled([this.database.drop(), this.redis.stop()]);
  }
}
