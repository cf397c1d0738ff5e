import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/ports';
import { pings } from '../../support/redis';

/**
 * A redis-server of the chaos run's own, on a free loopback port, persisting with AOF (fsync every write) in a
 * temporary directory, so it can be stopped and started again mid-run with its queues intact, as a production
 * Redis configured as docs/operations.md says would be.
 */
export class ChaosRedis {
  private child?: ChildProcess;
  readonly dir = mkdtempSync(join(tmpdir(), 'ultra-chaos-redis-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<ChaosRedis> {
    const redis = new ChaosRedis(await freePort());
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server on the same port and directory; resolves once it answers (its AOF loaded). */
  async up(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    const deadline = Date.now() + 15_000;
    while (!(await pings(this.url))) {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${this.port} exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not answer within 15 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM (a restart: Redis flushes its AOF and exits) or SIGKILL (a crash). */
  async down(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }

  async stop(): Promise<void> {
    await this.down('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
