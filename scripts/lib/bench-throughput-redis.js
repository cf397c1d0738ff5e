// What the throughput section measures outside the services: its own Redis (commands and CPU time of the server
// between two moments, the size of the jobs and push-stream entries an analysis leaves behind) and Postgres' CPU.
'use strict';
const { spawn } = require('node:child_process');
const { readdirSync, readFileSync } = require('node:fs');
const net = require('node:net');
const { analysisEventsStream } = require('@ultra/contracts');
const { Redis } = require('ioredis');
const { round, sleep } = require('./bench-util');

// Probed job ids per analysis: no built-in pattern has more stages or participants than this.
const MAX_STAGES = 8;
const MAX_CALLS = 8;

/**
 * A redis-server of its own for one stack (persistence off, as the shared one runs), so INFO's counters hold the
 * stack's commands only, whatever else uses the shared Redis. Returns { url, client, stop }.
 */
async function startRedis() {
  const port = await new Promise((done, fail) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address();
      server.close(() => done(free));
    });
    server.on('error', fail);
  });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
  // Refused connections while redis-server starts are retried below; their error events say nothing more.
  client.on('error', () => {});
  const stop = async () => {
    client.disconnect();
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r).kill('SIGTERM'));
  };
  for (let i = 0; ; i++) {
    try {
      await client.connect();
      break;
    } catch (error) {
      if (i === 50) {
        await stop();
        throw new Error(`redis-server on port ${port} did not answer`, { cause: error });
      }
      await sleep(100);
    }
  }
  return { url, client, stop };
}

/** INFO stats, cpu and commandstats as numbers: total commands, server CPU ms and calls per command. */
async function redisSnapshot(redis) {
  const text = await redis.info('all');
  const field = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(text)?.[1] ?? NaN);
  const perCommand = {};
  for (const [, name, calls] of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) perCommand[name] = Number(calls);
  return {
    commands: field('total_commands_processed'),
    cpuMs: (field('used_cpu_user') + field('used_cpu_sys')) * 1000,
    perCommand,
  };
}

/**
 * Per model call between two snapshots: all commands (Redis 7 counts the commands a Lua script runs as well as the
 * script call itself), script calls alone, and the busiest commands. `own` counts the bench's own commands by name
 * (its counters' ZCARDs, the INFO calls), taken off.
 */
function redisPerCall(before, after, calls, own, top = 6) {
  const ownTotal = Object.values(own).reduce((sum, n) => sum + n, 0);
  const delta = Object.entries(after.perCommand)
    .map(([name, n]) => [name, n - (before.perCommand[name] ?? 0) - (own[name] ?? 0)])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const scripts = delta.filter(([name]) => /^eval/.test(name)).reduce((sum, [, n]) => sum + n, 0);
  const rows = {
    'Redis commands per call, incl. those run inside Lua scripts (commands)': round(
      (after.commands - before.commands - ownTotal) / calls,
      1,
    ),
    'Redis Lua script calls (EVALSHA/EVAL) per call (calls)': round(scripts / calls, 1),
  };
  for (const [name, n] of delta.slice(0, top))
    rows[`Redis per call: ${name.toUpperCase()} (commands)`] = round(n / calls, 2);
  return rows;
}

/**
 * CPU time (ms) used so far by each Postgres process (pid → ms): every process named postgres (a server and its
 * backends) and embedded PGlite's.
 */
function postgresCpu() {
  const perPid = new Map();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const pglite =
        stat.includes('(node)') && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('embedded-postgres');
      if (!stat.includes('(postgres)') && !pglite) continue;
      const fields = stat.split(') ')[1].split(' ');
      perPid.set(pid, (Number(fields[11]) + Number(fields[12])) * 10); // USER_HZ is 100 on Linux
    } catch {
      // A process that ended meanwhile has nothing to count.
    }
  }
  return perPid;
}

/**
 * Postgres' CPU ms between two postgresCpu() readings, process by process: a backend that exited in between (another
 * database's client going away) takes its time with it instead of making the sum negative.
 */
const postgresCpuMs = (before, after) => [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);

/** Every job one analysis may have, by queue and kind, as [queue, kind, jobId]. */
function jobIdsOf(id) {
  const ids = [
    ['analyses', 'analysis.start', id],
    ['results', 'analysis.started', `${id}_started`],
    ['results', 'analysis.finish', `${id}_finish`],
  ];
  for (let s = 0; s < MAX_STAGES; s++) {
    ids.push(['analyses', 'stage.collect', `${id}_${s}`], ['results', 'stage.record', `${id}_${s}_record`]);
    for (let k = 0; k < MAX_CALLS; k++) ids.push(['model-tasks', 'model.call', `${id}_${s}_${k}`]);
  }
  return ids;
}

/**
 * Bytes of the jobs of `analysisIds` (the `data` field of each BullMQ job hash, and `returnvalue` where a job
 * returns something) and of their push streams (field names and values of every entry), averaged per job kind
 * and per model call. Jobs BullMQ already removed (analysis.start keeps the last 1,000) are left out.
 */
async function bytesOf(redis, prefix, analysisIds) {
  const kinds = {};
  let calls = 0;
  let streamBytes = 0;
  let streamEntries = 0;
  let jobBytes = 0;
  for (const id of analysisIds) {
    const ids = jobIdsOf(id);
    const pipe = redis.pipeline();
    for (const [queue, , jobId] of ids) {
      pipe.hstrlen(`${prefix}:${queue}:${jobId}`, 'data').hstrlen(`${prefix}:${queue}:${jobId}`, 'returnvalue');
    }
    pipe.xrange(analysisEventsStream(prefix, id), '-', '+');
    const answers = (await pipe.exec()).map(([error, value]) => {
      if (error) throw error;
      return value;
    });
    ids.forEach(([, kind], i) => {
      const [data, returned] = [answers[2 * i], answers[2 * i + 1]];
      if (data === 0) return;
      const k = (kinds[kind] ??= { jobs: 0, data: 0, returned: 0 });
      k.jobs++;
      k.data += data;
      k.returned += returned;
      jobBytes += data + returned;
      if (kind === 'model.call') calls++;
    });
    for (const [, fields] of answers[answers.length - 1]) {
      streamEntries++;
      streamBytes += fields.reduce((sum, f) => sum + Buffer.byteLength(f), 0);
    }
  }
  const rows = {};
  for (const [kind, k] of Object.entries(kinds)) {
    rows[`${kind} job data, mean (bytes)`] = Math.round(k.data / k.jobs);
    if (k.returned) rows[`${kind} job return value, mean (bytes)`] = Math.round(k.returned / k.jobs);
  }
  rows['all jobs of an analysis, data + return values, per call (bytes)'] = Math.round(jobBytes / calls);
  rows['push-stream entries per call (entries)'] = round(streamEntries / calls, 1);
  rows['push-stream bytes per call (bytes)'] = Math.round(streamBytes / calls);
  return rows;
}

module.exports = { bytesOf, postgresCpu, postgresCpuMs, redisPerCall, redisSnapshot, startRedis };
