// The overhead section's figures (bench-overhead.js): percentiles of the paired samples, the per-stage tables and
// notes written from the measured values, so that they stay true on whichever machine the section runs.
'use strict';
const os = require('node:os');
const { mean, percentile, round } = require('./bench-util');
const { clientWindows } = require('./bench-overhead-client');

const STAGES = ['initial', 'meta', 'hyper', 'ultra'];
const P = [50, 95, 99];
const spread = (list) => P.map((p) => round(percentile(list, p))).join(' / ');

const INTRO = [
  'Ultra’s side is what a client sees: `POST /api/analyze`, then `GET /api/analyses/:id/events` to the last event,',
  'each event timed when it arrives. The direct side replays the very requests Ultra sent the fake vendor for that',
  'analysis (same model, messages and streaming) with the openai SDK, stage by stage, the calls of a stage in',
  'parallel. A stage as the client sees it runs from the end of the previous one (the first from the submit, so',
  'it includes the start) to its `stage.completed`; the end (storing the result until `analysis.completed`) counts',
  'in the whole analysis only. Each analysis is paired with its own replay: an overhead sample is Ultra’s time',
  'minus the direct time, per stage and per analysis; the per-stage percentiles pool the four stages.',
];

/** Each analysis with its direct replay: per stage and per analysis, both sides' times and their difference. */
function summarize(pairs) {
  const windows = pairs.map((p) => ({ ultra: clientWindows(p.ultra), direct: p.direct }));
  const sides = (of) => {
    const ultra = windows.map((w) => of(w.ultra));
    const direct = windows.map((w) => of(w.direct));
    return { ultra, direct, overhead: ultra.map((u, i) => u - direct[i]) };
  };
  return {
    stages: STAGES.map((_, k) => sides((w) => w.stages[k])),
    end: windows.map((w) => w.ultra.end),
    analysis: sides((w) => w.total),
  };
}

const perStage = (s) => s.stages.flatMap((st) => st.overhead);

function levelRows(label, s) {
  const rows = {};
  for (const p of P) rows[`per-stage overhead p${p}, ${label} (ms)`] = round(percentile(perStage(s), p));
  for (const p of P) rows[`per-analysis overhead p${p}, ${label} (ms)`] = round(percentile(s.analysis.overhead, p));
  return rows;
}

/** Per stage, both sides and the overhead, for the report's tables. */
function levelTable(s) {
  const rows = {};
  const sides = (name, sample) => {
    rows[`${name}: Ultra, p50 / p95 / p99 (ms)`] = spread(sample.ultra);
    rows[`${name}: direct, p50 / p95 / p99 (ms)`] = spread(sample.direct);
    rows[`${name}: overhead, p50 / p95 / p99 (ms)`] = spread(sample.overhead);
  };
  STAGES.forEach((stage, k) => sides(`stage ${k + 1} \`${stage}\`${k === 0 ? ' (from the submit)' : ''}`, s.stages[k]));
  rows['end, last stage.completed → analysis.completed, p50 / p95 / p99 (ms)'] = spread(s.end);
  sides('whole analysis', s.analysis);
  return rows;
}

function phaseRows(phases) {
  return {
    'stage cycle, mean (ms)': phases.cycle,
    '… orchestrator step until the stage’s flow is added, mean (ms)': phases.orchestrator,
    '… provider-workers pick the tasks up, mean (ms)': phases.pickup,
    '… model tasks, vendor calls included, first pick-up → last done, mean (ms)': phases.tasks,
    '… BullMQ hands the stage back (stage.collect starts), mean (ms)': phases.handback,
    'analyses with their jobs still in BullMQ’s history': phases.analyses,
  };
}

/** Notes from the measured values: what the figures say, the bottleneck, and why the targets are (not) met. */
function notesFor({ one, many, phases, cpu, throughput, inFlight }) {
  const p50 = (list) => round(percentile(list, 50));
  const services = Object.entries(cpu).filter(([k]) => /^CPU per analysis: (?!whole)/.test(k));
  const ultraCpu = round(
    services.filter(([k]) => !k.includes('bench process')).reduce((sum, [, v]) => sum + v, 0),
    0,
  );
  const busy = cpu['machine busy during the run (cores)'];
  const saturated = busy >= 0.9 * os.cpus().length;
  const met = (s) => percentile(perStage(s), 50) <= 5 && percentile(perStage(s), 99) <= 20;
  const later = (side) => one.stages.slice(1).flatMap((st) => st[side]);
  return [
    `One at a time, a later stage takes ${p50(later('ultra'))} ms at p50 (${round(mean(later('ultra')))} ms on`,
    `average) as the client sees it, against ${p50(later('direct'))} ms for its own requests sent directly.`,
    `BullMQ’s timestamps put the stage cycle at ${phases.cycle} ms on average: ${phases.orchestrator} ms for the`,
    `orchestrator to plan the stage and add its flow, ${phases.pickup} ms for the provider-workers to pick the`,
    `tasks up, ${phases.tasks} ms of model tasks and ${phases.handback} ms for BullMQ to hand the stage back. The`,
    `model tasks hold the vendor calls (${p50(later('direct'))} ms when made directly); the other`,
    `${round(phases.tasks - p50(later('direct')))} ms are the provider-worker’s own work per stage: routing each`,
    'model to its key, checking its breaker and rate limits in Redis, streaming the deltas into the analysis’',
    'Redis stream, and completing the job with the output. The',
    'client’s window is the cycle plus the event’s way to it (Redis stream → gateway → SSE).',
    '',
    'The first stage counts from the submit (the gateway checks the request, results stores the analysis, the',
    'gateway queues it, the orchestrator starts it); the end (results stores the outcome, then writes',
    '`analysis.completed`) is in the whole-analysis figures only.',
    '',
    `With ${inFlight} at once, Ultra completed ${throughput} analyses/s while the machine was busy on ${busy}`,
    `cores; its four services used ${ultraCpu} ms of CPU per analysis (table above; the bench process, which`,
    'runs the fake vendor and both clients, shares the same cores).',
    saturated
      ? 'The cores were saturated, so each analysis mostly waits for CPU behind the others:'
      : 'The cores were not saturated; by Little’s law:',
    `${inFlight} analyses at ${throughput}/s take about ${round(inFlight / throughput, 1)} s each (measured:`,
    `${p50(many.analysis.ultra)} ms at p50, against ${p50(many.analysis.direct)} ms for the same requests sent`,
    'directly with as many at once).',
    '',
    ...(met(one) && met(many)
      ? []
      : [
          'Where a per-stage target is not met, the reason is the one above: one at a time, each stage costs several',
          'process hops over Redis and the provider-worker’s per-task work on shared cores; with many at once,',
          'the CPU per analysis. Next step: profile the provider-worker and the orchestrator on this workload',
          '(`startBenchStack({ nodeArgs: { "provider-worker": ["--cpu-prof"] } })`) and cut the per-task work that',
          'the model-task phase shows; with many at once, less CPU per analysis or more cores (services spread over',
          'machines, docs/multi-host.md) is the only lever.',
        ]),
  ];
}

module.exports = { INTRO, STAGES, levelRows, levelTable, notesFor, phaseRows, summarize };
