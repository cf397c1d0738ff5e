import type { z } from 'zod';
import { ConfigValidationError, type DatabaseConfig, loadConfig } from '../config/config';
import { type DatabaseOptions, runMigrations } from './database.module';

export interface MigrateCliOptions<S extends z.ZodType<DatabaseConfig>> {
  service: string;
  /** What migrating needs of the environment: the database only, so it runs without the service's secrets. */
  config: S;
  database: DatabaseOptions;
}

/**
 * The body of every service's `dist/migrate.js`: applies its pending migrations, says which in one line, then exits
 * 0, or 1 with the cause (a configuration error as its list of bad variables, anything else with its stack).
 */
export function runMigrateCli<S extends z.ZodType<DatabaseConfig>>({
  service,
  config,
  database,
}: MigrateCliOptions<S>): void {
  Promise.resolve()
    .then(() => runMigrations(loadConfig(service, config), database))
    .then(
      (applied) => {
        process.stdout.write(
          applied.length
            ? `${service}: applied ${applied.length} migration(s) (${database.migrationsTableName}): ${applied.join(', ')}\n`
            : `${service}: no pending migrations (${database.migrationsTableName})\n`,
        );
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
