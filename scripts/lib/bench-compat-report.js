// The compatible API's section of docs/benchmarks.md, from what bench-compat.js measured: direct, through Ultra and
// through Portkey side by side, where Ultra's time goes, and what the comparison with a stateless proxy means.
'use strict';
const { cpus } = require('node:os');
const { compatSettings, SIDES, SIDE_NAMES } = require('./bench-compat');
const { PINNED, PORTKEY_VERSION } = require('./bench-portkey');
const { percentile, round, table } = require('./bench-util');

const sum = (values) => values.reduce((total, v) => total + v, 0);

/** Each side's figures from benchCompat's timings, and the same as the flat rows of docs/benchmarks.json. */
function compatFigures({ plain, streamed, paced, load }) {
  const values = (list, key) => list.map((c) => c[key]);
  const p = (list, key, n) => round(percentile(values(list, key), n));
  const added = (calls, side, key) => round(p(calls[side], key, 50) - p(calls.direct, key, 50));
  const figures = {};
  for (const side of SIDES) {
    const all = {
      'non-streaming p50 (ms)': p(plain[side], 'ms', 50),
      'non-streaming p95 (ms)': p(plain[side], 'ms', 95),
      'non-streaming p99 (ms)': p(plain[side], 'ms', 99),
      'added, non-streaming p50 (ms)': added(plain, side, 'ms'),
      'streaming TTFT p50 (ms)': p(streamed[side], 'ttft', 50),
      'streaming TTFT p95 (ms)': p(streamed[side], 'ttft', 95),
      'streaming total p50 (ms)': p(streamed[side], 'total', 50),
      'added, TTFT p50 (ms)': added(streamed, side, 'ttft'),
      'paced vendor: TTFT p50 (ms)': p(paced[side], 'ttft', 50),
      'paced vendor: added TTFT p50 (ms)': added(paced, side, 'ttft'),
      'paced vendor: added total p50 (ms)': added(paced, side, 'total'),
    };
    for (const [k, v] of Object.entries(load.figures[side])) all[`under load: ${k}`] = v;
    // What the direct call adds to itself is no figure.
    figures[side] = Object.fromEntries(Object.entries(all).filter(([k]) => side !== 'direct' || !k.includes('added')));
  }
  const rows = {};
  for (const side of SIDES) {
    for (const [k, v] of Object.entries(figures[side])) rows[`${SIDE_NAMES[side]}: ${k}`] = v;
  }
  return { rows, figures };
}

/** One table, a column per side; a figure a side does not have is a dash. */
function sideBySide(figures) {
  // Ultra's measures first: direct has none of the added ones, Portkey one more of its own.
  const measures = [...new Set(['ultra', 'portkey', 'direct'].flatMap((side) => Object.keys(figures[side])))];
  return [
    `| measure | ${SIDES.map((side) => SIDE_NAMES[side]).join(' | ')} |`,
    `| --- |${SIDES.map(() => ' --- |').join('')}`,
    ...measures.map((k) => `| ${k} | ${SIDES.map((side) => figures[side][k] ?? '—').join(' | ')} |`),
  ];
}

/** Why Ultra's req/s is what it is: the CPU one call costs, against the cores of this machine. */
function loadLines(figures, cpu) {
  const portkeyCpu = figures.portkey['under load: CPU per request, Portkey process (ms)'];
  const perCall = cpu['CPU per call: whole machine, incl. Redis and Postgres (ms)'];
  const services = Object.entries(cpu)
    .filter(([k]) => /^CPU per call: (gateway|orchestrator|provider-worker|results) /.test(k))
    .map(([k, v]) => `${k.replace('CPU per call: ', '').replace(' (ms)', '')} ${v} ms`);
  const [rps, cores] = [(side) => figures[side]['under load: req/s'], cpus().length];
  return [
    `Under load Ultra answered ${rps('ultra')} calls a second, Portkey ${rps('portkey')} and the fake vendor`,
    `alone ${rps('direct')}. The direct figure is the ceiling of the bench itself (the fake vendor in the bench`,
    'process, autocannon in a worker thread of it), not of a real vendor. Each Ultra call cost',
    `${perCall} ms of CPU on the whole machine (${services.join(', ')}; the rest is Redis, Postgres, the bench`,
    `and anything else running), so ${cores} cores carry at most about ${Math.round((cores * 1000) / perCall)} such calls a second;`,
    `2,000 req/s needs at most ${((cores * 1000) / 2000).toFixed(1)} ms per call on this machine.`,
    `Portkey used ${portkeyCpu} ms of CPU per request in its own process, one event loop: even that stateless`,
    `proxy tops out near ${Math.round(1000 / portkeyCpu)} req/s, a core’s worth.`,
    'Ultra’s cost is the pipeline, not HTTP: four BullMQ jobs per call (analysis.start, the model task,',
    'stage.collect, analysis.finish), each several Redis round trips, Postgres writes for the analysis, the stage and',
    'the end, the push stream, and a hop between processes for each. Possible next steps, each to be measured here:',
    'a path for one-call analyses that skips the orchestrator (the gateway queues the model task itself), and one',
    'write of the analysis with its answer after the call instead of three.',
  ];
}

/** The compatible API's section: direct calls through `POST /v1/chat/completions` against the vendor and Portkey. */
function compatBody({ figures, phases, cpu }) {
  const s = compatSettings;
  const phase = (prefix) => Object.entries(phases).find(([k]) => k.startsWith(prefix))?.[1];
  const phaseSum = (prefixes) => sum(prefixes.map(phase));
  const beforeVendor = phaseSum([
    'gateway: request in',
    'results stores the analysis',
    'orchestrator picks',
    'orchestrator plans',
    'provider-worker picks',
  ]);
  const gateway = phaseSum(['gateway: request in', 'results stores the analysis']);
  const afterAnswer = phaseSum([
    'provider-worker completes',
    'BullMQ hands',
    'orchestrator ends',
    'results stores the stage',
    'results stores the end',
  ]);
  const [ultra, portkey] = [figures.ultra, figures.portkey];
  return [
    'The official `openai` SDK calls the wire-level fake OpenAI vendor (tools/fake-llm) three times per prompt, one',
    'call at a time: directly (`gpt-4o-mini`); through Ultra (`baseURL` = the gateway’s `/v1`, model',
    '`openai:gpt-4o-mini`, which runs the `direct` pattern: one model, one call, the whole pipeline); and through',
    `Portkey’s open-source AI gateway (\`@portkey-ai/gateway@${PORTKEY_VERSION}\`, \`baseURL\` = its \`/v1\`, with`,
    '`x-portkey-provider: openai` and `x-portkey-custom-host` = the fake). The fake answers at once, so each',
    'difference from the direct call is what that side adds. Every prompt is distinct, so Ultra’s response cache',
    'never answers (Portkey’s cache is off unless asked for). Time to first token (TTFT) is the first chunk whose',
    '`delta.content` is not empty.',
    '',
    'The bench installs Portkey with npm into a folder under the OS temp directory (kept for the next run) and starts',
    'it headless as its own process, on the same Node as Ultra’s services. The npm package carries no lockfile, and',
    'the newest `@hono/node-server` its ranges allow breaks its streaming (every streamed call fails with',
    '`TypeError: immutable`), so the bench pins the hono packages to the versions of Portkey’s own lockfile:',
    `${Object.entries(PINNED)
      .map(([name, version]) => `\`${name}@${version}\``)
      .join(', ')}.`,
    '',
    'Targets: a direct call adds at most 5 ms at p50, and at most 5 ms to the time to first token (issue 10); it adds',
    'no more than Portkey adds at p50, and Ultra serves at least 2,000 req/s on `/v1/chat/completions` (issue 14).',
    '',
    `Settings: ${s.warmUp} warm-up calls of each kind; ${s.calls} non-streaming and ${s.calls} streaming calls on ` +
      `each side, one at a time, the three sides in turn (direct, Portkey, Ultra, then a ${s.settleMs} ms ` +
      `pause); ${s.paced} streaming calls on each side to a vendor that sends ${s.pacedChunks.length} chunks ` +
      `${s.pacedDelayMs} ms apart ("paced"); then autocannon with ${s.connections} connections for ${s.seconds} s ` +
      'against each side (non-streaming, distinct prompts).',
    '',
    ...sideBySide(figures),
    '',
    '### Ultra and Portkey',
    '',
    `Portkey added ${portkey['added, non-streaming p50 (ms)']} ms at p50 to a non-streaming call, Ultra`,
    `${ultra['added, non-streaming p50 (ms)']} ms. Portkey is a stateless proxy: one process receives the request,`,
    'maps it to the provider, forwards it and relays the answer; it stores nothing, and a call in flight when it',
    'stops is lost. Ultra runs the same call as an analysis of the `direct` pattern: the gateway authenticates the',
    'user and stores the analysis in Postgres before it queues it; the orchestrator plans it; a provider-worker',
    'takes the model task from Redis, checks the response cache, the model’s breaker and the user’s key, calls the',
    'vendor and publishes the answer; results stores the answer and the end. What that buys: every call is',
    'recorded with its prompt, answer, usage and cost (`GET /api/analyses/:id`, exports, budgets per user), a call',
    'survives the loss of a worker (the task stays in Redis and another worker takes it), identical calls are',
    'answered from the cache, and a client swaps the model for `ultra/<pattern>` to run several models under a',
    'pattern without any other change. The price is the hops between processes and the writes measured here.',
    '',
    `In streaming, Portkey's TTFT includes a pause it makes on purpose: its stream handler waits 25 ms before it`,
    'relays the first event (`src/handlers/streamHandler.ts`), so its added TTFT is at least 25 ms whatever the',
    `vendor does (${portkey['added, TTFT p50 (ms)']} ms here, Ultra ${ultra['added, TTFT p50 (ms)']} ms).`,
    '',
    ...loadLines(figures, cpu),
    '',
    '### Where the time of a direct call goes',
    '',
    `Means over the ${s.calls} sequential non-streaming calls through Ultra, in whole milliseconds from the client’s`,
    'clock, BullMQ’s job timestamps and the ids of the analysis’ push-stream entries (all on this machine’s clock).',
    '',
    '| phase | mean (ms) |',
    '| --- | --- |',
    ...Object.entries(phases).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    `About ${beforeVendor.toFixed(1)} ms pass before the provider-worker starts on the call, ${gateway.toFixed(1)} ms`,
    'of them until analysis.start is queued: the gateway authenticates and checks the request, then waits for results',
    'to store the analysis (a synchronous HTTP call and a Postgres insert) before it queues the job. A direct call',
    'is answered once its output is complete in the push stream (output.completed), not when the analysis is: the',
    `orchestrator and results take about ${afterAnswer.toFixed(1)} ms more to store the stage and the end, after the`,
    `client has its answer (hence the negative last phase); each round of calls ends with a ${s.settleMs} ms pause,`,
    'so that tail does not overlap the next call. The provider-worker’s own phase (key and cache look-ups, the SDK',
    `call, publishing the deltas) takes ${phase('provider-worker: vendor')} ms, against ` +
      `${figures.direct['streaming total p50 (ms)']} ms for the same streamed call made directly (p50).`,
    '',
    'The paced rows show the relay of token deltas: the provider-worker writes the first piece of each call when its',
    'event-loop turn ends and batches the rest, at most one write per `DELTA_FLUSH_MS` (50 ms by default) per call,',
    'so time to first token carries no batching delay; later tokens arrive in batches of up to that long.',
    '',
    `CPU time per call during the ${s.seconds} s autocannon run against Ultra (/proc, the services the bench`,
    'started; the bench process’s row includes autocannon’s thread; the whole-machine figure includes Redis,',
    'Postgres and anything else running on the machine):',
    '',
    ...table(cpu),
    '',
  ];
}

module.exports = { compatBody, compatFigures };
