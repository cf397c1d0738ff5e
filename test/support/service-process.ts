import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface LogLine {
  msg?: string;
  [key: string]: unknown;
}

/** One service started from its build output as a real process, with its JSON log lines kept for assertions. */
export class ServiceProcess {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  private readonly child: ChildProcess;
  private readonly listeners = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    script: string,
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, [script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = once(this.child, 'exit').then(([code]) => code as number | null);
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        this.lines.push({ msg: line });
      }
      this.listeners.forEach((notify) => notify());
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.stderr.push(line));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Resolves with the first log line matching `predicate`, or fails after `timeoutMs` with the process output. */
  waitForLine(predicate: (line: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> {
    const found = this.lines.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`${this.name}: no matching log line within ${timeoutMs} ms\n${this.describe()}`));
      }, timeoutMs);
      const check = () => {
        const line = this.lines.find(predicate);
        if (!line) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(line);
      };
      this.listeners.add(check);
      void this.exited.then((code) => {
        if (!this.listeners.has(check)) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        reject(new Error(`${this.name} exited with ${code} before the expected log line\n${this.describe()}`));
      });
    });
  }

  ready(timeoutMs = 30_000): Promise<LogLine> {
    return this.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('service ready'), timeoutMs);
  }

  count(predicate: (line: LogLine) => boolean): number {
    return this.lines.filter(predicate).length;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  describe(): string {
    const tail = this.lines.slice(-15).map((l) => JSON.stringify(l));
    return [`--- ${this.name} (pid ${this.pid}) stdout tail`, ...tail, '--- stderr', ...this.stderr.slice(-15)].join(
      '\n',
    );
  }
}
