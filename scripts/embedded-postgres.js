// Embedded Postgres for `npm start` when DATABASE_URL is unset: PGlite (Postgres compiled to WASM) behind its
// socket server, so the services connect with the ordinary pg driver. Data persists under .data/pg.
'use strict';
const { mkdirSync } = require('node:fs');
const { resolve } = require('node:path');

async function main() {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dataDir = resolve(process.env.EMBEDDED_PG_DIR ?? resolve(__dirname, '..', '.data', 'pg'));
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  // PGlite runs one query at a time; the server queues queries from up to this many connections.
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 64 });
  await server.start();
  console.log(JSON.stringify({ level: 30, msg: 'embedded postgres ready', port, dataDir }));
  const stop = async () => {
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  console.error(`embedded postgres failed to start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
