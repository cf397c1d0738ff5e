import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { LogLine } from './service-process';

const execFileAsync = promisify(execFile);

/** Why this machine cannot create network namespaces (not root, no `ip`, `ip netns add` refused), or undefined. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  if (spawnSync('ip', ['-V']).status !== 0) return 'the `ip` command (iproute2) is not installed';
  const probe = `ultra-probe-${process.pid}`;
  const added = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (added.status !== 0) return `\`ip netns add\` fails here: ${(added.stderr || String(added.error)).trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return undefined;
}

/** The names of the network namespaces that exist now. */
export function namespaceNames(): string[] {
  const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  return listed
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter(Boolean);
}

async function ip(...args: string[]): Promise<void> {
  await execFileAsync('ip', args, { timeout: 10_000 });
}

export interface SpawnOptions {
  cwd?: string;
  /** What asks it to stop (default SIGTERM; Postgres: SIGINT, its fast shutdown). */
  stopSignal?: NodeJS.Signals;
  /** Stopped after the others: a data store the services still use while they drain. */
  stopLast?: boolean;
}

/**
 * One program run inside a namespace through `ip netns exec` (which execs it, so the pid is the program's own),
 * its output kept line by line: JSON lines parsed (services' logs), others as `{ msg }`.
 */
export class NetnsProcess {
  readonly lines: LogLine[] = [];
  private readonly child: ChildProcess;
  private readonly listeners = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly namespace: string,
    command: string[],
    env: Record<string, string>,
    readonly options: SpawnOptions = {},
  ) {
    this.child = spawn('ip', ['netns', 'exec', namespace, ...command], {
      env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = once(this.child, 'exit').then(([code]) => code as number | null);
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        let parsed: LogLine;
        try {
          parsed = JSON.parse(line) as LogLine;
        } catch {
          parsed = { msg: line };
        }
        this.lines.push(typeof parsed === 'object' && parsed ? parsed : { msg: line });
        this.listeners.forEach((notify) => notify());
      });
    }
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first line matching `predicate`; fails after `timeoutMs`, or when the process exits first. */
  waitForLine(predicate: (line: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const finish = (error?: Error, line?: LogLine) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (line) resolve(line);
        else reject(new Error(`${error?.message}\n${this.describe()}`));
      };
      const check = () => {
        const line = this.lines.find(predicate);
        if (line) finish(undefined, line);
      };
      const timer = setTimeout(() => finish(new Error(`${this.name}: no expected line in ${timeoutMs} ms`)), timeoutMs);
      this.listeners.add(check);
      void this.exited.then((code) => {
        if (this.listeners.has(check)) finish(new Error(`${this.name} exited with ${code} before the expected line`));
      });
      check();
    });
  }

  /** An Ultra service's own readiness line. */
  ready(timeoutMs = 40_000): Promise<LogLine> {
    return this.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('service ready'), timeoutMs);
  }

  count(predicate: (line: LogLine) => boolean): number {
    return this.lines.filter(predicate).length;
  }

  /** Its stop signal first (a service drains on SIGTERM), SIGKILL once `graceMs` has passed. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.child.kill(this.options.stopSignal ?? 'SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  describe(): string {
    const tail = this.lines.slice(-20).map((l) => JSON.stringify(l));
    return [`--- ${this.name} in ${this.namespace} (pid ${this.pid}), last lines`, ...tail].join('\n');
  }
}

/** What a TCP client in a namespace saw: `open` with what the server sent back, or the connect error's code. */
export interface TcpProbe {
  status: string;
  reply: string;
}

// Connects, sends the payload, collects the reply until the server closes (or 1 s), prints one JSON line.
const PROBE = `
const [host, port, payload] = process.argv.slice(1);
const socket = require('node:net').connect({ host, port: Number(port) });
let reply = '';
const done = (status) => { console.log(JSON.stringify({ status, reply })); process.exit(0); };
socket.setTimeout(1000, () => done('open'));
socket.on('connect', () => (payload ? socket.write(payload) : done('open')));
socket.on('data', (chunk) => (reply += chunk));
socket.on('end', () => done('open'));
socket.on('error', (error) => done(reply ? 'open' : error.code));
`;

/** The namespaces of one run, the veth links between them, and the processes started in them. */
export class NetnsLab {
  readonly processes: NetnsProcess[] = [];
  private readonly created: string[] = [];
  private readonly onExit = () => this.destroySync();
  /** Role → namespace name: `ultra-<pid>-<role>`, unique per run. */
  readonly names: Record<string, string>;

  constructor(roles: string[]) {
    this.names = Object.fromEntries(roles.map((role) => [role, `ultra-${process.pid}-${role}`]));
    process.once('exit', this.onExit);
  }

  /** Adds the namespaces, `lo` up in each; an older one of the same name (a dead run of this pid) goes first. */
  async create(): Promise<void> {
    const existing = namespaceNames();
    for (const name of Object.values(this.names)) {
      if (existing.includes(name)) await ip('netns', 'del', name);
      await ip('netns', 'add', name);
      this.created.push(name);
      await ip('-n', name, 'link', 'set', 'lo', 'up');
    }
  }

  /** A veth pair between two namespaces on `subnet` (e.g. `10.213.1`): `a` gets .1/24, `b` gets .2/24. */
  async link(a: string, b: string, subnet: string): Promise<void> {
    const [nsA, nsB] = [this.names[a], this.names[b]];
    await ip('link', 'add', 'name', `to-${b}`, 'netns', nsA, 'type', 'veth', 'peer', 'name', `to-${a}`, 'netns', nsB);
    await ip('-n', nsA, 'addr', 'add', `${subnet}.1/24`, 'dev', `to-${b}`);
    await ip('-n', nsB, 'addr', 'add', `${subnet}.2/24`, 'dev', `to-${a}`);
    await ip('-n', nsA, 'link', 'set', `to-${b}`, 'up');
    await ip('-n', nsB, 'link', 'set', `to-${a}`, 'up');
  }

  /**
   * A veth pair from the root namespace (this test) to `role`, on a 10.213.<100–249>.0/24 no root interface uses
   * yet (parallel runs each get their own). Returns the address of `role`'s end.
   */
  async linkToRoot(role: string): Promise<string> {
    const used = spawnSync('ip', ['-o', '-4', 'addr', 'show'], { encoding: 'utf8' }).stdout ?? '';
    let third = 100 + (process.pid % 150);
    while (used.includes(`10.213.${third}.`)) third = third === 249 ? 100 : third + 1;
    const rootEnd = `ultra${process.pid}`;
    await ip('link', 'add', 'name', rootEnd, 'type', 'veth', 'peer', 'name', 'to-root', 'netns', this.names[role]);
    await ip('addr', 'add', `10.213.${third}.1/24`, 'dev', rootEnd);
    await ip('-n', this.names[role], 'addr', 'add', `10.213.${third}.2/24`, 'dev', 'to-root');
    await ip('link', 'set', rootEnd, 'up');
    await ip('-n', this.names[role], 'link', 'set', 'to-root', 'up');
    return `10.213.${third}.2`;
  }

  spawn(
    role: string,
    name: string,
    command: string[],
    env: Record<string, string>,
    options?: SpawnOptions,
  ): NetnsProcess {
    const started = new NetnsProcess(name, this.names[role], command, env, options);
    this.processes.push(started);
    return started;
  }

  /** Runs a command to its end inside `role`'s namespace, with exactly `env` when given. */
  async exec(role: string, command: string[], env?: Record<string, string>): Promise<string> {
    const { stdout } = await execFileAsync('ip', ['netns', 'exec', this.names[role], ...command], {
      env: env ?? process.env,
      timeout: 60_000,
    });
    return stdout;
  }

  /** A TCP connection from inside `role` to host:port, sending `payload` (e.g. a Redis command) if given. */
  async probe(role: string, host: string, port: number, payload = ''): Promise<TcpProbe> {
    const out = await this.exec(role, [process.execPath, '-e', PROBE, host, String(port), payload]);
    return JSON.parse(out) as TcpProbe;
  }

  /**
   * Stops every process (the services, then the data stores) and deletes the namespaces, which removes their
   * veth pairs, the root link included. Fails when a process or namespace of this run is still there.
   */
  async destroy(): Promise<void> {
    await Promise.all(this.processes.filter((p) => !p.options.stopLast).map((p) => p.stop()));
    await Promise.all(this.processes.map((p) => p.stop()));
    for (const name of this.created) await ip('netns', 'del', name).catch(() => undefined);
    process.removeListener('exit', this.onExit);
    const left = namespaceNames().filter((name) => this.created.includes(name));
    const alive = this.processes.filter((p) => p.running).map((p) => `${p.name} (pid ${p.pid})`);
    if (left.length || alive.length) throw new Error(`left behind: ${[...left, ...alive].join(', ')}`);
  }

  /** Last resort when the test process exits without afterAll (nothing asynchronous can run then). */
  private destroySync(): void {
    for (const p of this.processes.filter((each) => each.running)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    for (const name of this.created) spawnSync('ip', ['netns', 'del', name]);
  }
}
