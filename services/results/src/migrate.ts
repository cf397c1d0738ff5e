import { runMigrateCli } from '@ultra/platform';
import { migrationConfig, RESULTS_SERVICE } from './config/results.config';
import { resultsDatabase } from './database/results-database.options';

/** `node dist/migrate.js`: applies the results service's pending migrations (see runMigrateCli). */
runMigrateCli({ service: RESULTS_SERVICE, config: migrationConfig, database: resultsDatabase });
