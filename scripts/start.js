// `npm start`: builds if needed, makes sure Redis and Postgres are there, migrates, then runs the four services
// as separate supervised processes (WORKERS provider-workers). Ctrl-C or SIGTERM stops everything; should this
// process die without stopping them (SIGKILL), every child notices and stops by itself.
'use strict';
const { spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { acquireDataLock } = require('./lib/data-lock');
const { ensureRedis, startEmbeddedPostgres } = require('./lib/infra');
const { migrate } = require('./migrate');
const { ManagedProcess } = require('./lib/supervisor');

const root = resolve(__dirname, '..');
/** Redis and embedded Postgres started here; stopped last, and also when start-up fails half way. */
const infra = [];
/** The lock on the embedded Postgres data directory, released once embedded Postgres has stopped. */
let dataLock = null;
const log = (message) => process.stdout.write(`[ultra] ${message}\n`);

function loadDotEnv() {
  try {
    process.loadEnvFile(resolve(root, '.env'));
    log('loaded .env');
  } catch {
    // no .env: the environment alone configures the run
  }
}

function settings(env) {
  const problems = [];
  const int = (name, fallback, min, max) => {
    const value = env[name] === undefined || env[name] === '' ? fallback : Number(env[name]);
    if (!Number.isInteger(value) || value < min || value > max)
      problems.push(`${name}: must be a whole number from ${min} to ${max}`);
    return value;
  };
  const result = {
    port: int('PORT', 3000, 1, 65535),
    resultsPort: int('RESULTS_PORT', 3001, 1, 65535),
    workers: int('WORKERS', 2, 1, 64),
    embeddedPgPort: int('EMBEDDED_PG_PORT', 54329, 1, 65535),
    embeddedPgDir: resolve(env.EMBEDDED_PG_DIR || resolve(root, '.data', 'pg')),
    embeddedRedisDir: resolve(env.EMBEDDED_REDIS_DIR || resolve(root, '.data', 'redis')),
    // The services validate the same variable themselves (libs/platform bootstrap).
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    json: env.LOG_FORMAT === 'json',
  };
  if (problems.length) throw new Error(`invalid configuration\n  - ${problems.join('\n  - ')}`);
  return result;
}

/** Without JWT_SECRET, one secret is kept under .data/ so sessions survive a restart of `npm start`. */
function localJwtSecret() {
  const file = resolve(root, '.data', 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(resolve(root, '.data'), { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
    log('JWT_SECRET is not set: generated one in .data/jwt-secret (set JWT_SECRET in production)');
  }
  return readFileSync(file, 'utf8').trim();
}

function build() {
  if (process.env.ULTRA_SKIP_BUILD === '1') return;
  log('building (cached by Nx; only changed packages rebuild)');
  const run = spawnSync(
    process.execPath,
    [require.resolve('nx/bin/nx'), 'run-many', '-t', 'build', '--output-style=static'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (run.status !== 0) throw new Error('build failed: run "npm run build" to see why');
}

async function waitForGateway(port, givenUp) {
  while (!givenUp()) {
    try {
      // 200 once every service has reported ready (GET /api/health aggregates their heartbeats).
      const response = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Stops Redis and embedded Postgres if this run started them, then lets another run have the data directory. */
async function stopInfra() {
  for (const child of infra) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', r)));
  }
  dataLock?.release();
}

async function main() {
  loadDotEnv();
  const config = settings(process.env);
  const embedded = !process.env.DATABASE_URL;
  if (embedded) {
    // First, before anything is built or started: a second `npm start` on the same data must stop here.
    dataLock = acquireDataLock(config.embeddedPgDir, `npm start`);
    if (dataLock.takenOver) {
      const pids = dataLock.takenOver.map((h) => h.pid).join(', ');
      log(`took over the lock on ${config.embeddedPgDir} left by a process that is gone (pid ${pids})`);
    }
  }
  build();
  // Infrastructure outlives the services for their whole bounded shutdown when the supervisor dies.
  const orphanGraceMs = config.shutdownTimeoutMs + 5_000;
  const redis = await ensureRedis(config.redisUrl, log, { dataDir: config.embeddedRedisDir, orphanGraceMs });
  if (redis) infra.push(redis);
  const env = { REDIS_URL: config.redisUrl, RESULTS_URL: `http://127.0.0.1:${config.resultsPort}`, ...process.env };
  if (!env.JWT_SECRET && env.NODE_ENV !== 'production') env.JWT_SECRET = localJwtSecret();
  if (embedded) {
    const pg = await startEmbeddedPostgres(
      { port: config.embeddedPgPort, dataDir: config.embeddedPgDir, orphanGraceMs },
      log,
    );
    infra.unshift(pg.child);
    env.DATABASE_URL = pg.url;
    env.DATABASE_POOL_SIZE ??= '4';
  }
  log('running migrations');
  migrate(env);

  const banner = () => {
    const url = `http://localhost:${config.port}`;
    log(`Ultra is up: ${url}  (web UI there, API under ${url}/api, health at ${url}/api/health)`);
    log(
      `try:\n  TOKEN=$(curl -s -X POST ${url}/api/auth/register -H 'content-type: application/json' \\\n` +
        `    -d '{"email":"me@example.com","password":"a long password"}' | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')\n` +
        `  curl -s -X POST ${url}/api/analyze -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\\n` +
        `    -d '{"prompt":"Why is the sky blue?","models":["mock:alpha","mock:beta","mock:gamma"]}'\n` +
        `  curl -s ${url}/api/analyses/<id> -H "authorization: Bearer $TOKEN"`,
    );
  };
  const onConfigError = (service) => void stopAll(`${service.name} has an invalid configuration`, 1);
  const dist = (service) => resolve(root, 'services', service, 'dist', 'main.js');
  // METRICS_PORT for npm start is the orchestrator's; worker n takes the next ports, so none of them collide.
  const metricsPort = Number(env.METRICS_PORT) || 0;
  const metricsEnv = (offset) => (metricsPort > 0 ? { METRICS_PORT: String(metricsPort + offset) } : {});
  const specs = [
    { name: 'results', script: dist('results') },
    { name: 'orchestrator', script: dist('orchestrator'), env: metricsEnv(0) },
    ...Array.from({ length: config.workers }, (_, i) => ({
      name: `worker-${i + 1}`,
      script: dist('provider-worker'),
      env: metricsEnv(i + 1),
    })),
    { name: 'gateway', script: dist('gateway') },
  ];
  let stopping = false;
  const stopAll = async (reason, code) => {
    if (stopping) return;
    stopping = true;
    log(`${reason}: stopping services`);
    services.forEach((s) => s.retire());
    const gateway = services.filter((s) => s.name === 'gateway');
    await Promise.all(gateway.map((s) => s.stop()));
    await Promise.all(services.filter((s) => s.name !== 'gateway').map((s) => s.stop()));
    await stopInfra();
    log('stopped');
    process.exit(code);
  };
  const services = specs.map(
    (spec, index) =>
      new ManagedProcess({
        ...spec,
        env: { ...env, ...spec.env },
        index,
        json: config.json,
        onConfigError,
        stopTimeoutMs: config.shutdownTimeoutMs + 5_000,
      }),
  );
  // Services run in their own process groups; should the supervisor die, they must not outlive it.
  process.on('exit', () => services.forEach((s) => s.kill()));
  services.forEach((s) => s.start());
  // Ready means the gateway answers; asking it does not depend on the log level.
  void waitForGateway(config.port, () => stopping).then((up) => up && banner());
  process.on('SIGINT', () => void stopAll('SIGINT', 0));
  process.on('SIGTERM', () => void stopAll('SIGTERM', 0));
  for (const child of infra) child.once('exit', () => void stopAll('a database or Redis process exited', 1));
}

main().catch(async (error) => {
  process.stderr.write(`[ultra] cannot start: ${error instanceof Error ? error.message : error}\n`);
  await stopInfra();
  process.exit(1);
});
