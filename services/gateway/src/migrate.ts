import { ConfigValidationError, loadConfig, runMigrations } from '@ultra/platform';
import { migrateConfig, SERVICE_NAME } from './config/gateway.config';
import { gatewayDatabase } from './migrations/gateway-database';

/** `node dist/migrate.js`: applies the gateway's pending migrations, then exits 0, or 1 with the cause. */
async function migrate(): Promise<string[]> {
  return runMigrations(loadConfig(SERVICE_NAME, migrateConfig), gatewayDatabase);
}

migrate().then(
  (applied) => {
    process.stdout.write(
      applied.length
        ? `${SERVICE_NAME}: applied ${applied.length} migration(s): ${applied.join(', ')}\n`
        : `${SERVICE_NAME}: no pending migrations\n`,
    );
    process.exit(0);
  },
  (error: unknown) => {
    const cause =
      error instanceof ConfigValidationError
        ? error.message
        : `${SERVICE_NAME}: migration failed: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${cause}\n`);
    process.exit(1);
  },
);
