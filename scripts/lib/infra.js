// Redis and Postgres for `npm start`: use what is configured, or start local ones when that is possible.
// A started one is ready when it says so itself (an IPC message), never because "something answers on the port":
// that something could be another program, and the services must not be connected to it.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { mkdirSync } = require('node:fs');
const net = require('node:net');
const { resolve } = require('node:path');

const DEFAULT_REDIS_DIR = resolve(__dirname, '..', '..', '.data', 'redis');

function canConnect(host, port, timeoutMs = 1_000) {
  return new Promise((done) => {
    const socket = net.connect({ host, port });
    const finish = (ok) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/**
 * Spawns one of our node scripts with an IPC channel and resolves with the child once it reports
 * { type: 'ready' }; rejects with its own explanation when it reports { type: 'failed' }, exits, or is silent too long.
 * Its own process group: Ctrl-C reaches only the supervisor, which stops it last.
 */
function spawnReporting(script, args, { env, what, timeoutMs, stdout }) {
  const child = spawn(process.execPath, [resolve(__dirname, '..', script), ...args], {
    env,
    stdio: ['ignore', stdout, 'inherit', 'ipc'],
    detached: true,
  });
  return new Promise((ready, failed) => {
    let failure;
    const timer = setTimeout(() => {
      failure = `${what} did not report ready within ${timeoutMs / 1000} s`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (message) => {
      if (message?.type === 'ready') {
        clearTimeout(timer);
        ready(child);
      } else if (message?.type === 'failed') failure = message.message;
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      failed(new Error(failure ?? `${what} exited (${signal ?? `code ${code}`}) before it was ready`));
    });
  });
}

/**
 * Returns a child process when it had to start redis-server, null when Redis already answers. The one it starts
 * keeps an append-only file under `dataDir` (fsync every second), so queued and running analyses survive a restart.
 */
async function ensureRedis(redisUrl, log, { dataDir = DEFAULT_REDIS_DIR, orphanGraceMs = 15_000 } = {}) {
  const url = new URL(redisUrl);
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 6379);
  if (await canConnect(host, port)) return null;
  const local = ['127.0.0.1', 'localhost', '::1'].includes(host);
  if (!local || spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error(
      `Redis does not answer at ${redisUrl}. Start one (e.g. "apt-get install redis-server && redis-server --daemonize yes", ` +
        `"brew services start redis" or "docker run -p 6379:6379 redis:7") or set REDIS_URL.`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  log(`no Redis at ${redisUrl}: starting redis-server on port ${port}, append-only file in ${dataDir}`);
  const redisArgs = [
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir],
    ...['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''],
    // Queue keys must never be evicted.
    ...['--maxmemory-policy', 'noeviction'],
  ];
  return spawnReporting('redis-server-watch.js', [String(port), String(orphanGraceMs), ...redisArgs], {
    env: process.env,
    what: 'redis-server',
    timeoutMs: 60_000,
    stdout: 'ignore',
  });
}

/** Starts embedded Postgres on `port` with its data in `dataDir`; returns { child, url }. */
async function startEmbeddedPostgres({ port, dataDir, orphanGraceMs }, log) {
  if (await canConnect('127.0.0.1', port)) {
    throw new Error(
      `port ${port} (EMBEDDED_PG_PORT) is already in use by another process; stop it, set EMBEDDED_PG_PORT to a ` +
        'free port, or set DATABASE_URL to use a Postgres of your own',
    );
  }
  log(`DATABASE_URL is not set: starting embedded Postgres (PGlite) on 127.0.0.1:${port}, data in ${dataDir}`);
  const child = await spawnReporting('embedded-postgres.js', [], {
    env: {
      ...process.env,
      EMBEDDED_PG_PORT: String(port),
      EMBEDDED_PG_DIR: dataDir,
      EMBEDDED_PG_ORPHAN_GRACE_MS: String(orphanGraceMs),
    },
    what: 'embedded Postgres',
    timeoutMs: 60_000,
    stdout: 'inherit',
  });
  return { child, url: `postgres://postgres@127.0.0.1:${port}/postgres` };
}

module.exports = { canConnect, ensureRedis, startEmbeddedPostgres };
