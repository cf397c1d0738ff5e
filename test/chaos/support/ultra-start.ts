import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LogLine } from '../../support/service-process';

const root = resolve(__dirname, '../../..');
const MARKER = 'ULTRA_CHAOS_RUN';

/**
 * `npm start` (scripts/start.js) as a user runs it, with its own ports and data directories, and everything it
 * starts — services, redis-server, embedded Postgres — carrying a marker in its environment, so the whole local
 * stack can be found and killed at once, and nothing of it outlives the test.
 */
export class UltraStart {
  private child?: ChildProcess;
  private exited?: Promise<unknown>;
  private output = '';
  /** Everything every start printed, in order. */
  transcript = '';
  /** Every JSON log line the services printed, over every start. */
  readonly lines: LogLine[] = [];

  constructor(
    private readonly runId: string,
    /** The run's data directories live under it. */
    private readonly dataDir: string,
    readonly env: Record<string, string>,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.env.PORT}`;
  }

  /** Runs scripts/start.js and resolves once it says Ultra is up. */
  async start(timeoutMs = 120_000): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [resolve(root, 'scripts/start.js')], {
      env: { ...process.env, ULTRA_SKIP_BUILD: '1', LOG_FORMAT: 'json', ...this.env, [MARKER]: this.runId },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = once(child, 'exit');
    const onChunk = (chunk: Buffer) => {
      const text = chunk.toString();
      this.output += text;
      this.transcript += text;
      for (const line of text.split('\n')) {
        const json = /^\[[\w-]+\] (\{.*\})$/.exec(line);
        if (!json) continue;
        try {
          this.lines.push(JSON.parse(json[1]) as LogLine);
        } catch {
          // a partial line across chunks: the counts it feeds are figures, not assertions
        }
      }
    };
    child.stdout.on('data', onChunk);
    child.stderr.on('data', onChunk);
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes('Ultra is up')) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`npm start was not up within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * The pids of every process of this run still alive (the supervisor and all it started): those with the marker in
   * their environment, and those working in the run's data directory — redis-server overwrites its environment
   * when it sets its process title.
   */
  pids(): number[] {
    const mark = `${MARKER}=${this.runId}`;
    const found: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const marked = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(mark);
        if (marked || readlinkSync(`/proc/${entry}/cwd`).startsWith(this.dataDir)) found.push(Number(entry));
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
    return found;
  }

  /** kill -9 of the supervisor and everything it started, all at once, as a crashed machine would. */
  async crashAll(): Promise<number> {
    const pids = this.pids();
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await this.exited;
    const deadline = Date.now() + 10_000;
    while (this.pids().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return pids.length;
  }

  tail(): string {
    return this.output.slice(-3_000);
  }

  /** SIGTERM to the supervisor (a clean stop), then SIGKILL to whatever of this run is still alive. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.exited, new Promise((r) => (timer = setTimeout(r, 30_000)))]);
      clearTimeout(timer);
    }
    for (const pid of this.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
