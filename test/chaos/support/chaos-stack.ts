import { ServiceProcess } from '../../support/service-process';
import { dist, migrateStack, type StackBacking, stackEnv } from '../../support/stack';

type CoreService = 'results' | 'orchestrator' | 'gateway';
const CORE: CoreService[] = ['results', 'orchestrator', 'gateway'];

export interface ChaosStackOptions extends StackBacking {
  workers: number;
  /** Extra environment for every service: the vendor fakes, the scenario's settings. */
  env: Record<string, string>;
}

/**
 * The four services as real processes from their dist/, on the chaos run's own Redis and database: what
 * `npm start` runs, minus the supervisor, so a scenario can kill any of them, or all at once, and start them again.
 * Every process ever started is kept, so its log lines (retries, failures) count after it died.
 */
export class ChaosStack {
  readonly history: ServiceProcess[] = [];
  private live: ServiceProcess[] = [];
  private workerCount = 0;

  private constructor(
    readonly baseUrl: string,
    readonly env: Record<string, string>,
    private readonly workers: number,
  ) {}

  static async start(options: ChaosStackOptions): Promise<ChaosStack> {
    const env = await stackEnv(options, { ...CHAOS_SERVICE_ENV, ...options.env });
    await migrateStack(env);
    const stack = new ChaosStack(`http://127.0.0.1:${env.PORT}`, env, options.workers);
    try {
      await stack.startAll();
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  /** Starts every service (after a crash: fresh processes on the same Redis and database). */
  async startAll(): Promise<void> {
    for (const name of CORE) this.spawn(name, dist(name));
    for (let i = 0; i < this.workers; i++) this.addWorker();
    await Promise.all(this.live.map((p) => p.ready(60_000)));
  }

  addWorker(): ServiceProcess {
    return this.spawn(`provider-worker-${++this.workerCount}`, dist('provider-worker'));
  }

  get liveWorkers(): ServiceProcess[] {
    return this.live.filter((p) => p.name.startsWith('provider-worker'));
  }

  /** kill -9 of one process. */
  async crash(process: ServiceProcess): Promise<void> {
    await process.kill('SIGKILL');
    this.live = this.live.filter((p) => p !== process);
  }

  /** kill -9 of every service at once, as when the machine or the terminal running them dies. */
  async crashAll(): Promise<void> {
    const all = this.live;
    this.live = [];
    await Promise.all(all.map((p) => p.kill('SIGKILL')));
  }

  async stop(): Promise<void> {
    await this.crashAll();
  }

  private spawn(name: string, script: string): ServiceProcess {
    const process = new ServiceProcess(name, script, this.env);
    this.live.push(process);
    this.history.push(process);
    return process;
  }
}

/**
 * Short enough that faults resolve within seconds, not minutes: a call that gets no answer times out after 2 s,
 * a dead worker's task moves on after 2 s, a dead orchestrator's step after 2 s.
 */
export const CHAOS_SERVICE_ENV: Record<string, string> = {
  MODEL_CALL_TIMEOUT_MS: '2000',
  MODEL_CALL_ATTEMPTS: '3',
  MODEL_CALL_BACKOFF_MS: '200',
  WORKER_LOCK_DURATION_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  ORCHESTRATOR_LOCK_DURATION_MS: '2000',
  ORCHESTRATOR_STALLED_INTERVAL_MS: '1000',
  WORKER_CONCURRENCY: '64',
};
