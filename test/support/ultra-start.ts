import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { UNLIMITED_TIERS } from './test-tiers';

const root = resolve(__dirname, '../..');

/** `npm start`'s supervisor (scripts/start.js) as a user runs it, without the build step, its output kept. */
export class UltraStart {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private text = '';

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [resolve(root, 'scripts/start.js')], {
      env: { ...process.env, ULTRA_SKIP_BUILD: '1', LOG_LEVEL: 'info', WORKERS: '1', TIERS: UNLIMITED_TIERS, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.exited = once(this.child, 'exit').then(([code]) => code as number | null);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  output(): string {
    return this.text;
  }

  /** Resolves once `text` has been printed; fails with the whole output after `timeoutMs`. */
  async waitFor(text: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.text.includes(text)) {
      if (Date.now() > deadline) throw new Error(`"${text}" not printed in ${timeoutMs} ms:\n${this.text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Up with every service: the gateway answers and the others said they are ready. */
  async ready(timeoutMs = 40_000): Promise<void> {
    await this.waitFor('Ultra is up', timeoutMs);
    for (const name of ['[results]', '[orchestrator]', '[worker-1]', '[gateway]']) {
      await this.waitFor(`${name} INFO  service ready`, timeoutMs);
    }
  }
}

/** Every process below `pid` (children, grandchildren…), read from /proc (Linux). */
export function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while the list was read
    }
  }
  const found: number[] = [];
  const visit = (parent: number) => (parents.get(parent) ?? []).forEach((child) => (found.push(child), visit(child)));
  visit(pid);
  return found;
}

/** Whether `pid` still runs (a zombie not yet reaped by anyone counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Whether nothing listens on `port` of 127.0.0.1 (binding it succeeds). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}
