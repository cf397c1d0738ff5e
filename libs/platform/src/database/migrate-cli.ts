import type { z } from 'zod';
import { ConfigValidationError, type DatabaseConfig, loadConfig } from '../config/config';
import type { DatabaseOptions } from './database.module';
import { runMigrations, waitForMigrations } from './migrations';

export interface MigrateCliOptions<S extends z.ZodType<DatabaseConfig>> {
  service: string;
  /** What migrating needs of the environment: the database only, so it runs without the service's secrets. */
  config: S;
  database: DatabaseOptions;
  /** The command line after the script (default: process.argv). */
  args?: string[];
}

const DEFAULT_WAIT_S = 600;
/** How long applying waits for an unreachable database (a Postgres starting beside the migrations Job). */
const CONNECT_WITHIN_MS = 60_000;

/** `--wait` or `--wait=<seconds>` (1–86400): wait for the migrations instead of applying them. */
export function parseMigrateArgs(args: string[]): { waitS?: number } {
  if (args.length === 0) return {};
  const match = args.length === 1 ? /^--wait(?:=(\d+))?$/.exec(args[0] ?? '') : null;
  const waitS = match ? Number(match[1] ?? DEFAULT_WAIT_S) : NaN;
  if (!match || waitS < 1 || waitS > 86_400) {
    throw new Error(`unknown arguments "${args.join(' ')}": use no argument (apply) or --wait[=seconds] (1–86400)`);
  }
  return { waitS };
}

async function migrateCommand<S extends z.ZodType<DatabaseConfig>>(
  service: string,
  config: z.infer<S>,
  database: DatabaseOptions,
  waitS: number | undefined,
): Promise<string> {
  const table = database.migrationsTableName;
  if (waitS === undefined) {
    const applied = await runMigrations(config, database, {
      connectWithinMs: CONNECT_WITHIN_MS,
      onWaiting: (reason) => process.stdout.write(`${service}: waiting up to 60 s: ${reason}\n`),
    });
    return applied.length
      ? `${service}: applied ${applied.length} migration(s) (${table}): ${applied.join(', ')}`
      : `${service}: no pending migrations (${table})`;
  }
  const ready = await waitForMigrations(config, database, {
    timeoutMs: waitS * 1000,
    onWaiting: (reason) => process.stdout.write(`${service}: waiting up to ${waitS} s: ${reason} (${table})\n`),
  });
  if (!ready) throw new Error(`the database still lacks migrations of this release after ${waitS} s (${table})`);
  return `${service}: the database has every migration of this release (${table})`;
}

/**
 * The body of every service's `dist/migrate.js`: applies its pending migrations, says which in one line, then exits
 * 0, or 1 with the cause (a configuration error as its list of bad variables, anything else with its stack).
 * With `--wait` it applies nothing and exits 0 once the database has every migration of this build (a release's
 * pods wait so for the migrations Job), or 1 after the given seconds.
 */
export function runMigrateCli<S extends z.ZodType<DatabaseConfig>>({
  service,
  config,
  database,
  args = process.argv.slice(2),
}: MigrateCliOptions<S>): void {
  Promise.resolve()
    .then(() => migrateCommand(service, loadConfig(service, config), database, parseMigrateArgs(args).waitS))
    .then(
      (line) => {
        process.stdout.write(`${line}\n`);
        process.exit(0);
      },
      (error: unknown) => {
        const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
        const message =
          error instanceof ConfigValidationError ? error.message : `${service}: migration failed: ${detail}`;
        process.stderr.write(`${message}\n`);
        process.exit(1);
      },
    );
}
