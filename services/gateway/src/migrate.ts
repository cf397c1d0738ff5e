import { runMigrateCli } from '@ultra/platform';
import { migrateConfig, SERVICE_NAME } from './config/gateway.config';
import { gatewayDatabase } from './migrations/gateway-database';

/** `node dist/migrate.js`: applies the gateway's pending migrations (see runMigrateCli). */
runMigrateCli({ service: SERVICE_NAME, config: migrateConfig, database: gatewayDatabase });
