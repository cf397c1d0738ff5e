import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { reachable } from '../../support/database';
import { freePort } from '../../support/ports';

const script = resolve(__dirname, '../../../scripts/embedded-postgres.js');

/**
 * The embedded Postgres that `npm start` runs (scripts/embedded-postgres.js: PGlite behind its socket server), on
 * its own port and data directory, so the run can stop it and start it again on the same data.
 */
export class ChaosPostgres {
  private child?: ChildProcess;
  private output = '';
  readonly dir = mkdtempSync(join(tmpdir(), 'ultra-chaos-pg-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<ChaosPostgres> {
    const pg = new ChaosPostgres(await freePort());
    await pg.up();
    return pg;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async up(): Promise<void> {
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, EMBEDDED_PG_PORT: String(this.port), EMBEDDED_PG_DIR: this.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!(await reachable(this.url, 1_000))) {
      if (child.exitCode !== null) throw new Error(`embedded postgres exited with ${child.exitCode}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`embedded postgres did not answer within 60 s:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM: the server closes its connections and the database, as `npm start` stops it. */
  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
    // The data-directory lock scripts/embedded-postgres.js keeps beside it.
    rmSync(`${this.dir}.lock`, { force: true });
  }
}
