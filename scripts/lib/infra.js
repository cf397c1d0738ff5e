// Redis and Postgres for `npm start`: use what is configured, or start local ones when that is possible.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const net = require('node:net');
const { resolve } = require('node:path');

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

async function waitForPort(host, port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(host, port, 500)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Returns a child process when it had to start redis-server, null when Redis already answers. */
async function ensureRedis(redisUrl, log) {
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
  log(`no Redis at ${redisUrl}: starting redis-server on port ${port}`);
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
      // Own process group: on Ctrl-C it is stopped last, after the services that use it.
      detached: true,
    },
  );
  if (!(await waitForPort('127.0.0.1', port, 10_000))) throw new Error('redis-server did not start within 10 s');
  return child;
}

/** Starts embedded Postgres and returns { child, url } (the caller supervises it like any service). */
async function startEmbeddedPostgres(port, log) {
  log(`DATABASE_URL is not set: starting embedded Postgres (PGlite) on 127.0.0.1:${port}, data in .data/pg`);
  const child = spawn(process.execPath, [resolve(__dirname, '..', 'embedded-postgres.js')], {
    env: { ...process.env, EMBEDDED_PG_PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  if (!(await waitForPort('127.0.0.1', port, 60_000))) throw new Error('embedded Postgres did not start within 60 s');
  return { child, url: `postgres://postgres@127.0.0.1:${port}/postgres` };
}

module.exports = { canConnect, ensureRedis, startEmbeddedPostgres };
