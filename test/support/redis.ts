import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { freePort } from './ports';

export interface TestRedis {
  url: string;
  /** A queue prefix no other run uses, so parallel runs never share jobs. */
  prefix: string;
  stop(): Promise<void>;
}

/** Whether a Redis answers PING at `url`. */
export async function pings(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** The real Redis (TEST_REDIS_URL, default 127.0.0.1:6379), or a redis-server started for this run if none answers. */
export async function useTestRedis(): Promise<TestRedis> {
  const prefix = `ultra-test-${randomBytes(4).toString('hex')}`;
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await pings(url)) {
    return { url, prefix, stop: () => deleteKeys(url, prefix) };
  }
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error(
      `no Redis answers at ${url} and redis-server is not installed: install Redis or set TEST_REDIS_URL`,
    );
  }
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const ownUrl = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await pings(ownUrl)); i++) await new Promise((r) => setTimeout(r, 100));
  return {
    url: ownUrl,
    prefix,
    stop: () => {
      child.kill('SIGTERM');
      return Promise.resolve();
    },
  };
}

async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
