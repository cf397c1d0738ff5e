// One autocannon run against the gateway for bench-gateway.js: requests per second that succeeded, latency
// percentiles of every response, and the CPU each process spent meanwhile, Redis and the database included, so the
// section can name the process that limits the rate.
'use strict';
const { readFileSync } = require('node:fs');
const autocannon = require('autocannon');
const { Redis } = require('ioredis');
const { Client } = require('pg');
const { cpuSnapshot } = require('./bench-cpu');
const { percentile, round } = require('./bench-util');

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/** CPU ms a process has used so far; 0 for one that is gone (it then adds nothing). */
function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** The embedded Postgres (PGlite) process: a child of this process, started by bench-stack.js. */
function pgliteChild() {
  const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/);
  return children.filter(Boolean).find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('embedded-postgres.js');
    } catch {
      return false;
    }
  });
}

/**
 * The processes outside the services that serve the stack: Redis (its pid from INFO) and the database, i.e. the
 * PGlite process or the Postgres backends connected to the bench's own database (asked each time, since the pools
 * may open connections during a run). Redis may also serve other programs; the bench is meant to run alone.
 */
async function infraProcesses(stack) {
  const redis = new Redis(stack.redisUrl, { lazyConnect: true });
  await redis.connect();
  const info = await redis.info('server');
  redis.disconnect();
  const processes = { Redis: [/process_id:(\d+)/.exec(info)?.[1]].filter(Boolean) };
  if (stack.engine === 'PGlite') {
    processes['PGlite (embedded Postgres)'] = [pgliteChild()].filter(Boolean);
    return processes;
  }
  const client = new Client({ connectionString: stack.env.DATABASE_URL });
  await client.connect();
  const { rows } = await client.query(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  await client.end();
  processes['Postgres (backends of the bench database)'] = rows.map((r) => String(r.pid));
  return processes;
}

/** CPU ms so far of each service, of this process (autocannon), of Redis and the database, and of the machine. */
async function snapshot(stack) {
  const { perService, busy } = cpuSnapshot();
  const perProcess = {};
  for (const [name, ms] of Object.entries(perService)) {
    perProcess[name.startsWith('bench process') ? 'bench process (autocannon)' : name] = { self: ms };
  }
  for (const [name, pids] of Object.entries(await infraProcesses(stack))) {
    perProcess[name] = Object.fromEntries(pids.map((pid) => [pid, cpuMsOf(pid)]));
  }
  return { perProcess, busy };
}

/** Cores each process kept busy between two snapshots; a process that appeared in between counts from zero. */
function coresBetween(before, after, seconds) {
  const cores = {};
  for (const [name, pids] of Object.entries(after.perProcess)) {
    const ms = Object.entries(pids).reduce((sum, [pid, v]) => sum + v - (before.perProcess[name]?.[pid] ?? 0), 0);
    cores[name] = round(ms / 1000 / seconds);
  }
  cores['whole machine'] = round((after.busy - before.busy) / 1000 / seconds);
  return cores;
}

/**
 * Runs autocannon for `seconds` with `connections` keep-alive connections, each sending its next request as soon as
 * the previous one is answered. Only 2xx answers count as served; every answer's latency is kept so p95 is exact
 * (autocannon's own summary has p90 and p97.5 but no p95).
 */
async function load(stack, { path, method = 'GET', token, body, connections, seconds }) {
  const latencies = [];
  const before = await snapshot(stack);
  const started = performance.now();
  const instance = autocannon({
    url: `${stack.baseUrl}${path}`,
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    connections,
    duration: seconds,
  });
  instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const result = await instance;
  const elapsed = (performance.now() - started) / 1000;
  const cores = coresBetween(before, await snapshot(stack), elapsed);
  // NaN when nothing was answered (a warm-up on a starved machine); the measured run refuses that (bench-gateway).
  const p = (n) => (latencies.length ? round(percentile(latencies, n)) : NaN);
  return {
    reqPerS: round(result['2xx'] / result.duration, 0),
    p50: p(50),
    p95: p(95),
    p99: p(99),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
    cores,
  };
}

module.exports = { load };
