import { ConfigValidationError, loadConfig, runMigrations } from '@ultra/platform';
import pino from 'pino';
import { migrationConfig, RESULTS_SERVICE } from './config/results.config';
import { resultsDatabase } from './database/results-database.options';

/** `node dist/migrate.js`: applies the results service's pending migrations and says which, as one JSON line. */
async function migrate(): Promise<void> {
  const config = loadConfig(RESULTS_SERVICE, migrationConfig);
  const logger = pino({ level: config.LOG_LEVEL, base: { service: RESULTS_SERVICE, pid: process.pid } });
  const applied = await runMigrations(config, resultsDatabase);
  logger.info(
    { applied, migrationsTable: resultsDatabase.migrationsTableName },
    `applied ${applied.length} migration(s)`,
  );
}

migrate().then(
  () => process.exit(0),
  (error: unknown) => {
    // A configuration error already names every bad variable; anything else gets its stack.
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    const message =
      error instanceof ConfigValidationError ? error.message : `${RESULTS_SERVICE}: migration failed: ${detail}`;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  },
);
