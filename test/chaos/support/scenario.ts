import { randomBytes } from 'node:crypto';
import type { FaultOptions } from '@ultra/fake-llm';
import { ApiClient } from '../../support/api';
import type { LogLine } from '../../support/service-process';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { type Audit, auditStore, failuresByModel, waitForDrain } from './audit';
import { BreakerWatch } from './breaker-watch';
import { ChaosPostgres } from './chaos-postgres';
import { ChaosRedis } from './chaos-redis';
import { CHAOS_SERVICE_ENV, ChaosStack } from './chaos-stack';
import { ChaosVendors, modelsFor } from './chaos-vendors';
import { countBy, type Expectations, type ScenarioFigures, violationsOf } from './figures';
import { acceptedAtLeast, type Load, startLoad } from './load';
import { recordScenario } from './reliability-report';
import { UltraStart } from './ultra-start';
import { freePort } from '../../support/ports';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UNLIMITED_TIERS } from '../../support/test-tiers';

export const ANALYSES = 100;
export const PATTERN = 'critique';

/** Settings of every service in a chaos run; breakers cool down fast so they can close again within a scenario. */
export const BREAKER_ENV = { BREAKER_COOLDOWN_MS: '3000', BREAKER_WINDOW_MS: '10000' };

export interface ScenarioContext {
  /** The services as the harness's own processes (system 'stack'). */
  stack?: ChaosStack;
  /** Redis of the harness's own (system 'stack'). */
  redis?: ChaosRedis;
  /** `npm start` with its own Redis and embedded Postgres (system 'npm-start'). */
  ultra?: UltraStart;
  /** Set when the scenario runs on the embedded Postgres it can stop. */
  postgres?: ChaosPostgres;
  vendors: ChaosVendors;
  load: Load;
  user: ApiClient;
  breakers: BreakerWatch;
  /** Resolves once this many analyses have been accepted. */
  accepted(count: number): Promise<void>;
}

export interface ScenarioSpec {
  id: string;
  title: string;
  fault: string;
  workers: number;
  /**
   * `stack`: the services as processes of the harness, on its Redis and Postgres (shared, or embedded to stop);
   * `npm-start`: scripts/start.js, which runs its own Redis (AOF) and embedded Postgres.
   */
  system: 'stack' | 'npm-start';
  postgres?: 'shared' | 'embedded';
  faults?: Omit<FaultOptions, 'success'>;
  /** How long every vendor call takes before it answers (default 300 ms). */
  vendorLatencyMs?: number;
  /** Spreads the submissions over this long (default: as fast as the gateway takes them). */
  spreadMs?: number;
  /** Strikes, then repairs; resolves when the system has been given back what it lost. */
  disrupt(context: ScenarioContext): Promise<void>;
  /** After the drain: more traffic once the fault is gone (its analyses join `load.accepted`), then drained too. */
  recover?(context: ScenarioContext): Promise<void>;
  expectations: Expectations;
  drainTimeoutMs?: number;
}

export interface ScenarioOutcome {
  figures: ScenarioFigures;
  audit: Audit;
}

/**
 * One chaos scenario from start to end: its own Redis, database and vendor fakes, the stack from dist/, 100
 * analyses while `disrupt` strikes, the wait for every analysis to end, the audit of the store, and the figures
 * written to docs/reliability.md (also when invariants are broken, which the test then reports).
 */
export async function runScenario(spec: ScenarioSpec): Promise<ScenarioOutcome> {
  const prefix = `ultra-chaos-${randomBytes(4).toString('hex')}`;
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    const vendors = await ChaosVendors.start(spec.faults, {
      latencyMs: spec.vendorLatencyMs ?? 300,
      chunkDelayMs: 20,
    });
    cleanup.push(() => vendors.close());
    const env = { ...vendors.env(), ...BREAKER_ENV };
    let system: {
      baseUrl: string;
      redisUrl: string;
      databaseUrl: string;
      lines: () => LogLine[];
      transcript: () => string;
    };
    let redis: ChaosRedis | undefined;
    let postgres: ChaosPostgres | undefined;
    let stack: ChaosStack | undefined;
    let ultra: UltraStart | undefined;
    if (spec.system === 'npm-start') {
      const dataDir = mkdtempSync(join(tmpdir(), 'ultra-chaos-start-'));
      cleanup.push(() => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })));
      const [port, resultsPort, redisPort, pgPort] = [
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
      ];
      const started = new UltraStart(prefix, dataDir, {
        ...CHAOS_SERVICE_ENV,
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        RESULTS_PORT: String(resultsPort),
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        QUEUE_PREFIX: prefix,
        EMBEDDED_PG_PORT: String(pgPort),
        EMBEDDED_PG_DIR: join(dataDir, 'pg'),
        EMBEDDED_REDIS_DIR: join(dataDir, 'redis'),
        DATABASE_URL: '',
        WORKERS: String(spec.workers),
        JWT_SECRET: 'chaos-secret-of-sufficient-length-0123456789',
        // The load is one client far faster than a person; limits are not what these scenarios test.
        TIERS: UNLIMITED_TIERS,
        LOG_LEVEL: 'debug',
        NODE_ENV: 'test',
      });
      ultra = started;
      cleanup.push(() => started.stop());
      await started.start();
      system = {
        baseUrl: started.baseUrl,
        redisUrl: started.env.REDIS_URL,
        databaseUrl: `postgres://postgres@127.0.0.1:${pgPort}/postgres`,
        lines: () => started.lines,
        transcript: () => started.transcript,
      };
    } else {
      const ownRedis = await ChaosRedis.start();
      redis = ownRedis;
      cleanup.push(() => ownRedis.stop());
      let databaseUrl: string;
      if (spec.postgres === 'embedded') {
        const pg = await ChaosPostgres.start();
        postgres = pg;
        cleanup.push(() => pg.stop());
        databaseUrl = pg.url;
      } else {
        const db: TestDatabase = await createTestDatabase();
        cleanup.push(() => db.drop());
        databaseUrl = db.url;
      }
      const services = await ChaosStack.start({
        redisUrl: ownRedis.url,
        queuePrefix: prefix,
        databaseUrl,
        workers: spec.workers,
        env,
      });
      stack = services;
      cleanup.push(() => services.stop());
      system = {
        baseUrl: services.baseUrl,
        redisUrl: ownRedis.url,
        databaseUrl,
        lines: () => services.history.flatMap((p) => p.lines),
        transcript: () =>
          services.history
            .flatMap((p) => [...p.lines.map((l) => `[${p.name}] ${JSON.stringify(l)}`), ...p.stderr])
            .join('\n'),
      };
    }
    const breakers = await BreakerWatch.start(system.redisUrl, prefix);
    cleanup.push(() => breakers.stop());
    const user = await new ApiClient(system.baseUrl).registerUser();

    const { load, done } = startLoad(user, {
      analyses: ANALYSES,
      models: modelsFor,
      pattern: PATTERN,
      spreadMs: spec.spreadMs,
      runId: prefix,
    });
    const context: ScenarioContext = {
      stack,
      redis,
      ultra,
      postgres,
      vendors,
      load,
      user,
      breakers,
      accepted: (count) => acceptedAtLeast(load, done, count),
    };
    await spec.disrupt(context);
    await done;
    const drainTimeoutMs = spec.drainTimeoutMs ?? 180_000;
    const drainMs = await waitForDrain(system.databaseUrl, load.accepted, drainTimeoutMs);
    if (spec.recover) {
      await spec.recover(context);
      await waitForDrain(system.databaseUrl, load.accepted, drainTimeoutMs);
    }
    const audit = await auditStore(system.databaseUrl, load.accepted);
    const retries = system
      .lines()
      .filter((l) => typeof l.msg === 'string' && l.msg.startsWith('model call failed') && l.willRetry === true);
    const figures: ScenarioFigures = {
      id: spec.id,
      title: spec.title,
      fault: spec.fault,
      ranAt: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      analyses: load.accepted.length,
      pattern: PATTERN,
      modelsPerAnalysis: 3,
      completed: audit.completed,
      failed: audit.failed.length,
      failedByCode: countBy(audit.failed, (a) => a.error?.code ?? 'none'),
      lost: audit.lost.length,
      leftRunning: audit.notEnded.length,
      duplicates: audit.duplicates.length,
      submit503: load.unavailable,
      refused: load.refused.length,
      preflightRefused: load.preflightRefused,
      drainS: drainMs === null ? null : drainMs / 1000,
      breakers: await breakers.figures(),
      retries: retries.length,
      retriesByCategory: countBy(retries, (l) => String(l.category)),
      failedOutputs: failuresByModel(audit.outputs),
      vendorRequests: vendors.totalRequests,
      faultsInjected: spec.faults ? vendors.faults.counts : undefined,
      violations: violationsOf(audit, load, drainMs, spec.expectations),
    };
    recordScenario(figures);
    if (figures.violations.length) {
      // The services' own account of what happened, to find the cause of what broke.
      const file = join(tmpdir(), `ultra-chaos-${spec.id}-${prefix}.log`);
      writeFileSync(file, system.transcript());
      figures.violations.push(`(service logs: ${file})`);
    }
    return { figures, audit };
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
