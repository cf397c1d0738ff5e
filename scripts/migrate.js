// Applies every service's pending database migrations (results, then gateway). `npm start` runs it too.
// `--wait[=seconds]` applies nothing: it waits until another process (a migrations Job) has applied them.
'use strict';
const { spawnSync } = require('node:child_process');
const { resolve } = require('node:path');

const SERVICES_WITH_TABLES = ['results', 'gateway'];

function migrate(env = process.env, args = []) {
  for (const service of SERVICES_WITH_TABLES) {
    const script = resolve(__dirname, '..', 'services', service, 'dist', 'migrate.js');
    const run = spawnSync(process.execPath, [script, ...args], { env, stdio: 'inherit' });
    if (run.status !== 0) throw new Error(`migrations of ${service} failed (exit ${run.status})`);
  }
}

module.exports = { migrate };

if (require.main === module) {
  try {
    if (typeof process.loadEnvFile === 'function') {
      try {
        process.loadEnvFile(resolve(__dirname, '..', '.env'));
      } catch {
        // no .env file: the environment alone configures the run
      }
    }
    if (!process.env.DATABASE_URL)
      throw new Error('DATABASE_URL is not set (npm start migrates the embedded database itself)');
    migrate(process.env, process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
