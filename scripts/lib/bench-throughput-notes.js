// The throughput section's tables and notes: every run's figures per model call, and the bottleneck named from
// them.
'use strict';
const { round } = require('./bench-util');

const WHOLE = 'CPU per call: whole machine (ms)';
const BUSY = 'machine busy during the run (cores)';
const COMMANDS = 'Redis commands per call, incl. those run inside Lua scripts (commands)';
const SCRIPTS = 'Redis Lua script calls (EVALSHA/EVAL) per call (calls)';
const BENCH = 'CPU per call: bench process (SDK client and fake vendor) (ms)';
const TARGET = 1000;

/** One run's table: throughput, CPU per call by process (and what none accounts for), Redis and bytes. */
function runTable(r) {
  const perCall = (ms) => round(ms / r.calls, 3);
  const { [BUSY]: busy, 'CPU per call: whole machine, incl. Redis and Postgres (ms)': machine, ...services } = r.cpu;
  const counted = Object.values(services).reduce((sum, v) => sum + v, 0) + perCall(r.redisCpuMs + r.postgresCpuMs);
  return {
    'model calls/s (calls/s)': round(r.callsPerS, 0),
    'analyses/s (analyses/s)': round(r.analysesPerS, 1),
    'model calls measured (calls)': r.calls,
    'failed model calls, whole run (calls)': r.failedCalls,
    'analyses refused by the gateway, whole run (analyses)': r.submitErrors,
    ...services,
    'CPU per call: Redis server (ms)': perCall(r.redisCpuMs),
    'CPU per call: Postgres (ms)': perCall(r.postgresCpuMs),
    'CPU per call: the rest — kernel, other processes (ms)': round(machine - counted, 3),
    [WHOLE]: machine,
    [BUSY]: busy,
    ...r.redis,
    'Redis commands/s of the idle stack, before the load (commands/s)': round(r.idleCommandsPerS, 0),
    ...r.bytes,
  };
}

/** Where one call's CPU goes, heaviest first: the services, Redis and Postgres (not the bench, not the rest). */
const consumers = (t) =>
  Object.entries(t)
    .filter(([k]) => k.startsWith('CPU per call:') && k !== WHOLE && !/bench process|the rest/.test(k))
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => [k.replace('CPU per call: ', '').replace(' (ms)', ''), v]);

const workersOf = (r) => `${r.workers} provider-worker${r.workers > 1 ? 's' : ''}`;

/** The bottleneck, Redis and bytes, the worker counts, the fake vendor and the target, each a paragraph. */
function notesOf(runs, best) {
  const t = runTable(best);
  const mock = runs.filter((r) => r.vendor === 'mock');
  const fake = runs.find((r) => r.vendor === 'fake');
  const heavy = consumers(t);
  const node = heavy.find(([name]) => !/Redis|Postgres/.test(name));
  const topCommands = Object.entries(t)
    .filter(([k]) => k.startsWith('Redis per call: '))
    .slice(0, 3)
    .map(([k, v]) => `${k.replace('Redis per call: ', '').replace(' (commands)', '')} ${v}`);
  const cpuBound = t[BUSY] >= 1.8;
  const flat = mock.length > 1 && best.callsPerS < Math.min(...mock.map((r) => r.callsPerS)) * 1.15;
  const notes = [
    (cpuBound
      ? `**Bottleneck: CPU.** At the best setting (${workersOf(best)}) ${t[BUSY]} of the 2 cores were busy`
      : `**Bottleneck: not CPU alone.** At the best setting (${workersOf(best)}) only ${t[BUSY]} of the 2 cores ` +
        'were busy, so a wait or a concurrency limit (WORKER_CONCURRENCY, ORCHESTRATOR_CONCURRENCY) held it back') +
      `; the machine spent ${t[WHOLE]} ms of CPU per model call, which caps 2 cores near ` +
      `${round(2000 / t[WHOLE], 0)} calls/s. Per call: ${heavy.map(([name, ms]) => `${name} ${ms} ms`).join(', ')}; ` +
      `the heaviest is **${heavy[0][0]}**` +
      (heavy[0][1] < 2 * heavy[1][1]
        ? `, but not by far (next: ${heavy[1][0]}): the cost is spread over every hop.`
        : `, more than twice the next (${heavy[1][0]}).`) +
      ` The bench's own client took ${t[BENCH]} ms per call: the pipeline, not the client, was the limit.`,
    '',
    `**Redis per call:** ${t[COMMANDS]} commands (${t[SCRIPTS]} of them Lua script calls; most: ` +
      `${topCommands.join(', ')}) and ${t['CPU per call: Redis server (ms)']} ms of Redis CPU, so one Redis core ` +
      `alone would top out near ${round(1000 / t['CPU per call: Redis server (ms)'], 0)} calls/s. The idle stack ` +
      `sends ${t['Redis commands/s of the idle stack, before the load (commands/s)']} commands/s of its own. ` +
      `**Bytes per call:** ${t['all jobs of an analysis, data + return values, per call (bytes)']} bytes of BullMQ ` +
      `job data and return values (a model-call job carries ${t['model.call job data, mean (bytes)']} bytes: its ` +
      `whole prompt, which grows stage by stage) and ${t['push-stream bytes per call (bytes)']} bytes of push events.`,
    '',
    `**Worker count:** ${mock.map((r) => `${workersOf(r)} ${round(r.callsPerS, 0)} calls/s`).join(', ')}` +
      (flat
        ? ': within 15 %, so the provider-workers are not the limit; more worker processes only share the cores.'
        : '.'),
  ];
  if (fake) {
    const f = runTable(fake);
    const worker = (x) => x['CPU per call: provider-worker (ms)'];
    notes.push(
      '',
      `**Through the fake OpenAI vendor** (HTTP + the official SDK, ${workersOf(fake)}): ` +
        `${f['model calls/s (calls/s)']} calls/s; the provider-worker's CPU per call goes from ${worker(t)} ms ` +
        `(mock) to ${worker(f)} ms, and the fake vendor with the bench client costs ${f[BENCH]} ms per call on the ` +
        'same cores (a real vendor would not). The target is judged on the mock runs: the pipeline itself.',
    );
  }
  if (best.callsPerS < TARGET) {
    notes.push(
      '',
      `**Target not met:** ${TARGET} calls/s on 2 cores allows ${2000 / TARGET} ms of CPU per call for the whole ` +
        `machine, ${round(t[WHOLE] / (2000 / TARGET), 1)}× less than measured` +
        (flat ? ', and more provider-workers do not help' : '') +
        '. Next step: cut the work done per call in every hop rather than add processes: fewer Redis round trips ' +
        `and script calls (${t[COMMANDS]} commands per call now), fewer Postgres writes per call ` +
        `(${t['CPU per call: Postgres (ms)']} ms), and a CPU profile (\`--cpu-prof\` through the stack's nodeArgs) ` +
        `of ${node[0]}, the heaviest Node service, to find its per-job costs.`,
    );
  }
  return notes;
}

module.exports = { notesOf, runTable };
