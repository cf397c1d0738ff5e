import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { eventually } from '../support/eventually';
import { freePort } from '../support/ports';
import { TestStack } from '../support/stack';

interface Probe {
  status: number;
  body: { status?: string; checks?: Record<string, string> };
}

/** Whether something accepts connections on `port` (a failed ioredis probe leaves a timer that holds jest open). */
function listens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A private redis-server on `port`, accepting connections. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  await eventually('a private Redis', () => listens(port));
  return child;
}

async function probe(url: string): Promise<Probe> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Probe['body'] };
}

/** The health probes of the services without an HTTP API, served on their ops port (METRICS_PORT) next to /metrics. */
describe('health probes on the ops port of the orchestrator and provider-worker', () => {
  let stack: TestStack;
  let redis: ChildProcess | undefined;

  beforeAll(async () => {
    stack = await TestStack.start();
  });

  afterAll(async () => {
    await stack?.stop();
    if (redis && redis.exitCode === null && redis.signalCode === null) {
      const exited = once(redis, 'exit');
      redis.kill('SIGTERM');
      await exited;
    }
  });

  it('answers live and ready (Redis up and consuming) on a running stack', async () => {
    const workerPort = await workerOpsPort();
    for (const base of [`http://127.0.0.1:${stack.orchestratorEnv.METRICS_PORT}`, `http://127.0.0.1:${workerPort}`]) {
      expect(await probe(`${base}/health/live`)).toEqual({ status: 200, body: { status: 'ok' } });
      expect(await probe(`${base}/health/ready`)).toEqual({
        status: 200,
        body: { status: 'ok', checks: { redis: 'up', consuming: 'up' } },
      });
      expect((await fetch(`${base}/health/other`)).status).toBe(404);
    }
  });

  it('answers 503 with redis down while its Redis is unreachable, then 200 once it is back', async () => {
    const redisPort = await freePort();
    const opsPort = await freePort();
    redis = await startRedis(redisPort);
    // A worker of its own on a private Redis, so stopping that Redis leaves the rest of the stack alone.
    const worker = stack.addWorker({ REDIS_URL: `redis://127.0.0.1:${redisPort}`, METRICS_PORT: String(opsPort) });
    await worker.ready();
    const ready = `http://127.0.0.1:${opsPort}/health/ready`;
    const answersWith = (status: number) =>
      eventually(
        `a ${status} from ${ready}`,
        async () => {
          const answer = await probe(ready);
          return answer.status === status && answer;
        },
        { timeoutMs: 20_000, intervalMs: 250 },
      );
    expect((await answersWith(200)).body).toEqual({ status: 'ok', checks: { redis: 'up', consuming: 'up' } });

    redis.kill('SIGKILL');
    const down = await answersWith(503);
    expect(down.body).toMatchObject({ status: 'error', checks: { redis: 'down' } });
    // Liveness consults nothing: an outage of Redis must not get the process restarted.
    expect((await probe(`http://127.0.0.1:${opsPort}/health/live`)).status).toBe(200);

    redis = await startRedis(redisPort);
    expect((await answersWith(200)).body).toEqual({ status: 'ok', checks: { redis: 'up', consuming: 'up' } });
  });

  /** The first worker's ops port, from the line it logs at boot. */
  async function workerOpsPort(): Promise<string> {
    const worker = stack.workers[0];
    if (!worker) throw new Error('no worker');
    const line = await worker.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('metrics on'));
    return /:(\d+)\/metrics$/.exec(String(line.msg))?.[1] ?? '';
  }
});
