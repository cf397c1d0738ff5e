// A throw-away Ultra stack for benchmarks: own queue prefix, own database, services as separate processes.
'use strict';
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { createWriteStream, mkdtempSync } = require('node:fs');
const net = require('node:net');
const { tmpdir } = require('node:os');
const { resolve } = require('node:path');
const { Redis } = require('ioredis');
const { Client } = require('pg');
const { ensureRedis, canConnect } = require('./infra');
const { migrate } = require('../migrate');

const root = resolve(__dirname, '..', '..');

function freePort() {
  return new Promise((done, fail) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

async function createDatabase(log, kind) {
  const admin = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const adminUrl = new URL(admin);
  if (kind !== 'embedded' && (await canConnect(adminUrl.hostname, Number(adminUrl.port || 5432)))) {
    const name = `ultra_bench_${randomBytes(4).toString('hex')}`;
    const client = new Client({ connectionString: admin });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    adminUrl.pathname = `/${name}`;
    log(`database: Postgres at ${adminUrl.host}, database ${name}`);
    const drop = async () => {
      const c = new Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
    return { url: adminUrl.toString(), engine: 'PostgreSQL', drop, child: null };
  }
  const port = await freePort();
  const dir = mkdtempSync(resolve(tmpdir(), 'ultra-bench-pg-'));
  log(`database: embedded PGlite on port ${port}`);
  const child = spawn(process.execPath, [resolve(root, 'scripts', 'embedded-postgres.js')], {
    env: { ...process.env, EMBEDDED_PG_PORT: String(port), EMBEDDED_PG_DIR: dir },
    stdio: 'ignore',
  });
  for (let i = 0; i < 300 && !(await canConnect('127.0.0.1', port)); i++) await new Promise((r) => setTimeout(r, 200));
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    engine: 'PGlite',
    drop: async () => child.kill('SIGTERM'),
    child,
  };
}

async function deleteKeys(url, prefix) {
  const client = new Redis(url);
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await client.del(...keys);
  } while (cursor !== '0');
  client.disconnect();
}

function startService(name, env, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, resolve(root, 'services', name, 'dist', 'main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // BENCH_LOG_DIR keeps each service's log lines (<dir>/<name>-<pid>.log), to see what a run logged.
  if (process.env.BENCH_LOG_DIR) {
    child.stdout.pipe(createWriteStream(resolve(process.env.BENCH_LOG_DIR, `${name}-${child.pid}.log`)));
  }
  const ready = new Promise((done, fail) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      if (buffer.includes('service ready')) done();
      if (buffer.length > 100_000) buffer = buffer.slice(-1_000);
    });
    child.once('exit', (code) => fail(new Error(`${name} exited with ${code} during start-up`)));
  });
  return { name, child, ready };
}

/**
 * Starts everything; returns { baseUrl, engine, redisUrl, prefix, env, services, stop }.
 * `database`: 'auto' (Postgres on 127.0.0.1:5432 when it answers, else embedded PGlite) or 'embedded'.
 * `serviceEnv`: extra variables of one service, e.g. { 'provider-worker': { WORKER_CONCURRENCY: '5000' } }.
 * `nodeArgs`: extra node flags of one service, e.g. { orchestrator: ['--cpu-prof'] }.
 * `without`: services not to start, e.g. ['orchestrator'] to measure the gateway alone (analyses stay queued).
 */
async function startBenchStack({
  workers,
  env: extraEnv,
  log,
  database: kind = 'auto',
  serviceEnv = {},
  nodeArgs = {},
  without = [],
}) {
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const redis = await ensureRedis(redisUrl, log);
  const database = await createDatabase(log, kind);
  const [port, resultsPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `ultra-bench-${randomBytes(4).toString('hex')}`,
    DATABASE_URL: database.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    RESULTS_PORT: String(resultsPort),
    RESULTS_URL: `http://127.0.0.1:${resultsPort}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    // One client submitting hundreds of analyses a second: the bench measures Ultra, not the tier limits.
    TIERS: JSON.stringify({
      free: { requestsPerMinute: 1_000_000, analysesPerMinute: 1_000_000, dailyBudgetUsd: 1_000_000 },
    }),
    LOG_LEVEL: 'info',
    ...extraEnv,
  };
  const services = [];
  const stop = async () => {
    await Promise.all(
      services.map((s) => {
        s.child.kill('SIGTERM');
        return new Promise((r) => (s.child.exitCode !== null ? r() : s.child.once('exit', r)));
      }),
    );
    await database.drop();
    await deleteKeys(redisUrl, env.QUEUE_PREFIX);
    redis?.kill('SIGTERM');
  };
  try {
    migrate(env);
    const names = [
      'results',
      'orchestrator',
      ...Array.from({ length: workers }, () => 'provider-worker'),
      'gateway',
    ].filter((name) => !without.includes(name));
    services.push(...names.map((name) => startService(name, { ...env, ...serviceEnv[name] }, nodeArgs[name])));
    const timeout = new Promise((_, fail) =>
      setTimeout(() => fail(new Error('services not ready within 180 s')), 180_000).unref(),
    );
    await Promise.race([Promise.all(services.map((s) => s.ready)), timeout]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    resultsUrl: env.RESULTS_URL,
    engine: database.engine,
    redisUrl,
    prefix: env.QUEUE_PREFIX,
    env,
    services: services.map((s) => ({ name: s.name, pid: s.child.pid })),
    stop,
  };
}

module.exports = { startBenchStack };
