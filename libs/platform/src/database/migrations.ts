import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/config';
import { isDatabaseUnavailable } from './database-errors';
import { type DatabaseOptions, dataSourceOptions } from './database.module';

/**
 * A one-connection data source: the session-level advisory lock below must be taken and released on the very
 * connection the migrations run on.
 */
function migrationDataSource(config: DatabaseConfig, options: DatabaseOptions): DataSource {
  return new DataSource({ ...dataSourceOptions(config, options), extra: { max: 1 } });
}

/**
 * Runs a service's pending migrations; returns the names applied. Two runs at once (a Kubernetes Job retried while
 * the first still runs, two `npm run migrate`s) take turns on a Postgres advisory lock named after the service's
 * migrations table, so the second finds nothing left to do instead of racing the first.
 */
export async function runMigrations(
  config: DatabaseConfig,
  options: DatabaseOptions,
  { connectWithinMs = 0, onWaiting }: ConnectOptions = {},
): Promise<string[]> {
  const dataSource = await connected(config, options, connectWithinMs, onWaiting);
  try {
    await dataSource.query('SELECT pg_advisory_lock(hashtext($1))', [`ultra:${options.migrationsTableName}`]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await dataSource.query('SELECT pg_advisory_unlock(hashtext($1))', [`ultra:${options.migrationsTableName}`]);
    }
  } finally {
    await dataSource.destroy();
  }
}

export interface ConnectOptions {
  /** Keep trying to reach the database this long (a Postgres still starting beside the migrations Job). */
  connectWithinMs?: number;
  /** Called once, when the first try finds the database unreachable. */
  onWaiting?: (reason: string) => void;
}

/** An initialized migration data source, retried every second while the database is unreachable. */
async function connected(
  config: DatabaseConfig,
  options: DatabaseOptions,
  withinMs: number,
  onWaiting?: (reason: string) => void,
): Promise<DataSource> {
  const deadline = Date.now() + withinMs;
  for (let told = false; ; told = true) {
    const dataSource = migrationDataSource(config, options);
    try {
      return await dataSource.initialize();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() + 1_000 > deadline) throw error;
      if (!told) onWaiting?.(`the database is unreachable (${error instanceof Error ? error.message : String(error)})`);
    }
    await sleep(1_000);
  }
}

export interface WaitForMigrationsOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Called once, when the first look finds migrations pending (or the database unreachable). */
  onWaiting?: (reason: string) => void;
}

/**
 * Waits, applying nothing, until the database holds every migration this build knows (or the database answers at
 * all): what a new release's pods do before they start, so they never run against the old schema while the
 * migrations Job is still at work. Resolves false when `timeoutMs` passes first.
 */
export async function waitForMigrations(
  config: DatabaseConfig,
  options: DatabaseOptions,
  { timeoutMs, intervalMs = 2_000, onWaiting }: WaitForMigrationsOptions,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    const reason = await pendingReason(config, options);
    if (reason === undefined) return true;
    if (!told) onWaiting?.(reason);
    told = true;
    if (Date.now() + intervalMs > deadline) return false;
    await sleep(intervalMs);
  }
}

/** Why the schema is not ready yet, or undefined when it is. */
async function pendingReason(config: DatabaseConfig, options: DatabaseOptions): Promise<string | undefined> {
  const dataSource = migrationDataSource(config, options);
  try {
    await dataSource.initialize();
  } catch (error) {
    return `the database is unreachable (${error instanceof Error ? error.message : String(error)})`;
  }
  try {
    return (await dataSource.showMigrations()) ? 'migrations are pending' : undefined;
  } finally {
    await dataSource.destroy();
  }
}
