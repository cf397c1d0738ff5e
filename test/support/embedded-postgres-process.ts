import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './ports';

/** scripts/embedded-postgres.js as its own process on a free port and a temporary data directory. */
export class EmbeddedPostgresProcess {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dataDir: string,
  ) {}

  /** Resolves once the process reports that its server listens. */
  static async start(): Promise<EmbeddedPostgresProcess> {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'ultra-embedded-pg-'));
    const child = spawn(process.execPath, [resolve(__dirname, '../../scripts/embedded-postgres.js')], {
      env: { ...process.env, EMBEDDED_PG_PORT: String(port), EMBEDDED_PG_DIR: join(dataDir, 'pg') },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [message] = (await Promise.race([
      once(child, 'message'),
      once(child, 'exit').then(() => [{ type: 'exited' }]),
    ])) as [{ type: string }];
    const postgres = new EmbeddedPostgresProcess(`postgres://postgres@127.0.0.1:${port}/postgres`, child, dataDir);
    if (message.type !== 'ready') {
      await postgres.stop();
      throw new Error(`embedded postgres did not start: ${stderr}`);
    }
    return postgres;
  }

  /** Makes it stop answering without closing its connections, as a host that went away does. */
  freeze(): void {
    this.child.kill('SIGSTOP');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await once(this.child, 'exit');
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
