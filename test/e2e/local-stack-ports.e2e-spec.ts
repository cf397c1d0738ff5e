import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/ports';
import { type TestRedis, useTestRedis } from '../support/redis';
import { UltraStart } from '../support/ultra-start';

describe('npm start when the embedded Postgres port is taken by another program', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ultra-local-ports-'));
  const sockets = new Set<Socket>();
  /** Bytes a Postgres client (a migration, a service) sent to the squatter. */
  let received = 0;
  let redis: TestRedis;
  let squatter: Server;
  let port: number;
  let ultra: UltraStart | undefined;

  beforeAll(async () => {
    redis = await useTestRedis();
    port = await freePort();
    // Accepts connections and never answers: "something answers on that port", but not our Postgres.
    squatter = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', (chunk) => (received += chunk.length));
    });
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
  });

  afterAll(async () => {
    if (ultra && ultra.child.exitCode === null && ultra.child.signalCode === null) {
      ultra.child.kill('SIGKILL');
      await ultra.exited;
    }
    sockets.forEach((s) => s.destroy());
    await new Promise((r) => squatter.close(r));
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fails at once naming the port, before any service is connected to it', async () => {
    ultra = new UltraStart({
      DATABASE_URL: '',
      EMBEDDED_PG_DIR: join(dataDir, 'pg'),
      EMBEDDED_PG_PORT: String(port),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      PORT: String(await freePort()),
      RESULTS_PORT: String(await freePort()),
      JWT_SECRET: 'local-stack-test-secret-0123456789abcdef',
    });
    expect(await ultra.exited).toBe(1);
    expect(ultra.output()).toContain(`port ${port} (EMBEDDED_PG_PORT) is already in use by another process`);
    expect(ultra.output()).not.toContain('running migrations');
    expect(received).toBe(0);
    // The data directory is free again for the next start.
    expect(existsSync(`${join(dataDir, 'pg')}.lock`)).toBe(false);
  });
});
