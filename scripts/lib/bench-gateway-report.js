// The gateway section of docs/benchmarks.md, from what bench-gateway.js measured: one table of rates and latencies
// (operation × database), one of the cores each process kept busy, and notes that name the limiting process.
'use strict';
const { cpus } = require('node:os');
const { round } = require('./bench-util');

const COLUMNS = ['2xx req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'non-2xx', 'errors'];
const MACHINE = 'whole machine';
const REST = 'rest of the machine';
// A Node process runs its JavaScript on one thread: near one core busy, it is the ceiling of whatever it serves.
const SATURATED = 0.85;

/** Every measured run as { op, label, engine, r }, in the order of the tables. */
function runsOf(measured, ops) {
  return measured.flatMap(({ engine, runs }) =>
    Object.entries(runs)
      .filter(([, r]) => r)
      .map(([op, r]) => ({ op, label: ops[op], engine, r })),
  );
}

/** The cores of each process, plus what the machine spent outside them (other programs, the kernel). */
function withRest(cores) {
  return { ...cores, [REST]: round(Math.max(0, cores[MACHINE] - stackCores(cores))) };
}

/** The process that used the most CPU during a run. */
function busiest(cores) {
  return Object.entries(cores)
    .filter(([name]) => name !== MACHINE && name !== REST)
    .sort((a, b) => b[1] - a[1])[0];
}

/** The cores of the stack's own processes (services, autocannon, Redis, the database): not the rest. */
const stackCores = (cores) => Object.entries(cores).reduce((sum, [n, c]) => (n === MACHINE ? sum : sum + c), 0);

/**
 * CPU ms the stack spent per served request: unlike the rate, it hardly changes when other programs share the
 * machine, so it shows what a request costs even on a busy one.
 */
const cpuPerRequest = (r, cores = stackCores(r.cores)) => round((cores * 1000) / Math.max(1, r.reqPerS));
// Cores used outside the stack during a run above which its rate says more about the machine than about Ultra.
const SHARED = 0.25;
const CORES = cpus().length;

function gatewayBody(measured, ops) {
  const runs = runsOf(measured, ops);
  const order = ['gateway', 'results', 'orchestrator', 'provider-worker', 'Redis'];
  const seen = new Set(runs.flatMap(({ r }) => Object.keys(withRest(r.cores))));
  const names = [
    ...order.filter((n) => seen.has(n)),
    ...[...seen].filter((n) => !order.includes(n) && n !== MACHINE && n !== REST),
    REST,
    MACHINE,
  ];
  return [
    'autocannon (in the bench process) keeps a fixed number of keep-alive connections busy, each sending its next',
    'request as soon as the previous one is answered, all as one user with a valid access token. Only 2xx answers',
    'count as served; latencies are those of every answer. The POST body asks for `critique` over two instant mock',
    'models. Accept path: the stack without the orchestrator (and no provider-worker), so the analyses stay queued',
    'and the cores serve the gateway alone: the gateway’s own rate, which the POST targets are checked on. GET',
    'reads an analysis the pipeline (one provider-worker) completed, while the pipeline is idle.',
    ...(runs.some(({ op }) => op === 'pipeline')
      ? [
          'Pipeline running: POST on that whole stack, which runs the analyses it accepts on the same cores — how',
          'much of the gateway’s rate is left then.',
        ]
      : []),
    '',
    `| operation | database | ${COLUMNS.join(' | ')} | stack CPU ms per request |`,
    `| --- | --- | ${COLUMNS.map(() => '---').join(' | ')} | --- |`,
    ...runs.map(({ label, engine, r }) => {
      const cells = [r.reqPerS, r.p50, r.p95, r.p99, r.non2xx, r.errors, cpuPerRequest(r)];
      return `| ${label} | ${engine} | ${cells.join(' | ')} |`;
    }),
    '',
    '### CPU during each run (cores busy)',
    '',
    'From /proc: each process the bench started, autocannon (the bench process), Redis (its pid from `INFO`), and',
    'the database — the PGlite process, or the Postgres backends connected to the bench’s database. The rest of',
    'the machine is everything else (the kernel, other programs). Stack CPU ms per request above: all but the rest.',
    '',
    `| operation | database | ${names.join(' | ')} |`,
    `| --- | --- | ${names.map(() => '---').join(' | ')} |`,
    ...runs.map(({ label, engine, r }) => {
      const cores = withRest(r.cores);
      return `| ${label} | ${engine} | ${names.map((n) => cores[n] ?? '—').join(' | ')} |`;
    }),
  ];
}

/** Why a run is as fast as it is, from the process that limits it; the next step follows from that process. */
function limitOf({ r, engine }, connections) {
  const [name, cores] = busiest(r.cores);
  const machine = r.cores[MACHINE];
  const rest = withRest(r.cores)[REST];
  const shared = rest >= SHARED ? ` (**other programs took ${rest} cores meanwhile**)` : '';
  if (name.startsWith('PGlite') && cores >= SATURATED) {
    return (
      `PGlite at ${cores} cores: it runs one query at a time in one process, so the embedded database is the ` +
      `ceiling (next: real Postgres; PGlite is for \`npm start\` on a laptop)${shared}`
    );
  }
  if (cores >= SATURATED) {
    return (
      `${name} at ${cores} cores, its one thread saturated (next: cheaper work per request, or more of it)` + shared
    );
  }
  if (shared) {
    return (
      `**other programs took ${rest} of the ${machine} cores busy**, so this rate is the machine's, not Ultra's; ` +
      `the stack spent ${cpuPerRequest(r)} ms of CPU per request (busiest: ${name} at ${cores} cores)`
    );
  }
  if (machine >= SATURATED * CORES) {
    return (
      `no single process is saturated (busiest: ${name} at ${cores} cores) but the machine is (${machine} of ` +
      `${CORES} cores): ${cpuPerRequest(r)} ms of CPU per request across the services, Redis, ${engine} and ` +
      'autocannon is the limit'
    );
  }
  return (
    `neither a process nor the machine is saturated (busiest: ${name} at ${cores} cores, machine ${machine}): ` +
    `with ${connections} requests in flight, the rate is bound by the time each one waits (its round trips one ` +
    'after the other), so more connections would raise it, and the latency with it'
  );
}

function gatewayNotes(measured, ops, settings) {
  const runs = runsOf(measured, ops);
  const invalid = runs.filter(({ r }) => r.non2xx + r.errors > 0);
  return [
    '**What each request costs.** A POST waits, one after the other, for Redis (is the token’s session revoked?),',
    'Postgres (the account’s status, read on every request), Redis five times (requests limit, request count, two',
    'reads of the day’s spend, analyses limit), Postgres (the user’s provider keys, for the model check), results —',
    'which inserts the analysis before it answers the gateway’s HTTP call — then BullMQ’s add (one Lua script) and',
    'the analyses count: eleven round trips, the request’s JSON parsed and written twice, and an access-log line',
    'in both gateway and results. A GET waits for Redis, Postgres (account status), Redis twice (requests limit and',
    'count), then results, which reads the analysis with its stage runs and outputs; the gateway parses and',
    're-serializes that JSON.',
    '',
    `**Latency follows from the rate.** With ${settings.connections} connections each waiting for its answer, the mean`,
    `latency is ${settings.connections} / rate (Little’s law): the ${settings.connections} connections were chosen so`,
    'that 2,000 req/s would leave 10 ms of mean latency for a p99 of 20 ms. Below that rate, the p99 grows by',
    'construction: it is time spent waiting for the busiest process or for a core, not a slow path on an idle machine.',
    '',
    '**What limits each run** (the busiest process; a Node process runs its JavaScript on one core):',
    '',
    ...runs.map(
      (run) => `- ${run.label}, ${run.engine}: ${run.r.reqPerS} req/s; ${limitOf(run, settings.connections)}.`,
    ),
    '',
    `**Budget.** On ${CORES} cores, 2,000 POST/s leave ${round(CORES / 2)} ms of CPU per request for every process`,
    `together, and 5,000 GET/s leave ${round(CORES / 5)} ms; the first table shows what a request costs now.`,
    'Next steps: cut the round trips — the limit and usage calls (six per POST, two per GET) folded into one Lua',
    'script before the handler and one after, the revoked-session and account-status checks cached for a second or',
    'two (as the tier already is, for 15 s), the provider-key read skipped when no requested model needs a user',
    'key; for POST, drop the synchronous HTTP hop to results (its Nest request, a JSON parse and write on each side,',
    'an access-log line, the wait for the insert): the gateway writing the row itself, or results creating it from',
    'the queued job; for GET, keep completed analyses (they no longer change) briefly in the gateway. The gateway is',
    'stateless (limits and usage are in Redis), so one gateway per core lifts its single-thread ceiling, but only',
    'while another core is free.',
    ...(invalid.length
      ? [
          '',
          `**Not all answers were 2xx**, so these rates count fewer requests than were sent: ${invalid
            .map(({ label, engine, r }) => `${label}, ${engine}: ${JSON.stringify(r.statusCodes)}, ${r.errors} errors`)
            .join('; ')}.`,
        ]
      : []),
  ];
}

module.exports = { cpuPerRequest, gatewayBody, gatewayNotes };
