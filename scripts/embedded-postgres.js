// Embedded Postgres for `npm start` when DATABASE_URL is unset: PGlite (Postgres compiled to WASM) behind its
// socket server, so the services connect with the ordinary pg driver. Data persists under .data/pg.
// Started with an IPC channel (as `npm start` does), it reports { type: 'ready' } once its own server listens, or
// { type: 'failed', message } (port taken, data directory locked…), and stops when its parent goes away.
'use strict';
const { mkdirSync } = require('node:fs');
const { resolve } = require('node:path');
const { acquireDataLock } = require('./lib/data-lock');
const { exitWithParent, tellParent } = require('./lib/parent-watch');

const dataDir = resolve(process.env.EMBEDDED_PG_DIR ?? resolve(__dirname, '..', '.data', 'pg'));
const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
/** After its parent died: how long clients may take to close their connections before the server stops anyway. */
const orphanGraceMs = Number(process.env.EMBEDDED_PG_ORPHAN_GRACE_MS ?? 15_000);

async function main() {
  mkdirSync(dataDir, { recursive: true });
  // Under `npm start` the supervisor already holds the lock; this process joins it, so it lasts while either runs.
  const lock = acquireDataLock(dataDir, 'embedded postgres', { joinParent: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create({ dataDir });
  // PGlite runs one query at a time; the server queues queries from up to this many connections.
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 64 });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    await db.close();
    lock.release();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  try {
    await server.start();
  } catch (error) {
    await db.close();
    lock.release();
    throw error.code === 'EADDRINUSE'
      ? new Error(`port ${port} is already in use by another process; set EMBEDDED_PG_PORT to a free port`)
      : error;
  }
  console.log(JSON.stringify({ level: 30, msg: 'embedded postgres ready', port, dataDir }));
  await tellParent({ type: 'ready', port });
  // The services close their connections while they shut down; the data is closed cleanly after they are gone.
  exitWithParent({
    graceMs: orphanGraceMs,
    idle: async () => server.getStats().activeConnections === 0,
    stop,
  });
}

main().catch(async (error) => {
  const message = `embedded postgres failed to start: ${error instanceof Error ? error.message : error}`;
  console.error(message);
  await tellParent({ type: 'failed', message });
  process.exit(1);
});
