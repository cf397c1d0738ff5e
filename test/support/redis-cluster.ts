import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { eventually } from './eventually';
import { freePort } from './ports';
import type { TestRedis } from './redis';

/**
 * A `redis-server` in cluster mode holding all 16384 slots itself: a one-node Redis Cluster. A plain client can
 * talk to it (no slot lives elsewhere, so no MOVED), yet Redis applies cluster rules to every command and script:
 * keys of one command or script in different slots fail with CROSSSLOT. That is the rule BullMQ and Ultra must
 * satisfy on any Redis Cluster, whatever its size.
 */
export async function startClusterNode(): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ultra-redis-cluster-'));
  const child: ChildProcess = spawn(
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf')],
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
  try {
    await eventually('the cluster node to answer', async () => (await admin.ping()) === 'PONG', { timeoutMs: 5_000 });
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    await eventually(
      'the one-node cluster to be ok',
      async () => String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'),
      { timeoutMs: 10_000 },
    );
  } catch (error) {
    admin.disconnect();
    await stop();
    throw error;
  }
  admin.disconnect();
  return { url, prefix: `{ultra-test-${randomBytes(4).toString('hex')}}`, stop };
}
