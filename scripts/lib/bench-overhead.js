// Orchestration overhead (issue 14, point 1): a `critique` analysis (4 stages, 10 calls) over three catalog models
// served by the wire-level fake OpenAI vendor, submit → last event as the client sees it on the event stream, minus
// the same 10 requests sent directly with the openai SDK to the same fake, stage by stage. At 1 and at 50
// analyses at once; BullMQ's timestamps of the one-at-a-time run say where the time goes.
'use strict';
const { redisOptionsFromUrl } = require('@ultra/platform');
const { Queue } = require('bullmq');
const { cpuPerCall, cpuSnapshot } = require('./bench-cpu');
const { startBenchStack } = require('./bench-stack');
const { mean, pool, registerUser, round, target } = require('./bench-util');
const { directClient, followAnalysis, startRecordingVendor } = require('./bench-overhead-client');
const report = require('./bench-overhead-report');

const MODELS = ['openai:gpt-4o-mini', 'openai:gpt-4o', 'openai:gpt-4.1'];
const settings = {
  sequential: Number(process.env.BENCH_OVERHEAD_SEQUENTIAL ?? 100),
  concurrent: Number(process.env.BENCH_OVERHEAD_CONCURRENT ?? 200),
  inFlight: Number(process.env.BENCH_OVERHEAD_IN_FLIGHT ?? 50),
  warmUp: Number(process.env.BENCH_OVERHEAD_WARM_UP ?? 10),
  // The fake's wait before each answer; both sides wait it alike, so the difference does not depend on it.
  latencyMs: Number(process.env.BENCH_OVERHEAD_LATENCY_MS ?? 0),
};
const REQUEST = { prompt: 'How do Redis streams compare with pub/sub for replayable progress events?' };
// No response cache: every call reaches the vendor, as on the direct side.
const ANALYSIS = { models: MODELS, pattern: 'critique', cache: false };

/**
 * Stage cycles of one analysis from BullMQ's own timestamps: from the moment the orchestrator starts a stage (its
 * processing of analysis.start or of the previous stage.collect) to the moment it starts on that stage's
 * stage.collect, split into the orchestrator's step (until the flow is added), the provider-workers picking the
 * tasks up, the tasks themselves (the vendor calls included), and BullMQ handing the finished stage back. Null
 * once BullMQ has trimmed the analysis' jobs from its bounded history.
 */
async function stagePhases(queues, id) {
  const parents = await Promise.all(
    [id, ...report.STAGES.map((_, i) => `${id}_${i}`)].map((j) => queues.analyses.getJob(j)),
  );
  if (parents.some((p) => !p)) return null;
  return Promise.all(
    parents.slice(1).map(async (collect, i) => {
      const tasks = await Promise.all(collect.data.calls.map((_, k) => queues.modelTasks.getJob(`${id}_${i}_${k}`)));
      const [start, added] = [parents[i].processedOn, Math.min(...tasks.map((t) => t.timestamp))];
      const [picked, answered] = [
        Math.min(...tasks.map((t) => t.processedOn)),
        Math.max(...tasks.map((t) => t.finishedOn)),
      ];
      return {
        cycle: collect.processedOn - start,
        orchestrator: added - start,
        pickup: picked - added,
        tasks: answered - picked,
        handback: collect.processedOn - answered,
      };
    }),
  );
}

async function bullPhases(stack, ids) {
  const bull = { connection: redisOptionsFromUrl(stack.redisUrl), prefix: stack.prefix };
  const queues = { analyses: new Queue('analyses', bull), modelTasks: new Queue('model-tasks', bull) };
  try {
    const phases = (await Promise.all(ids.map((id) => stagePhases(queues, id)))).filter(Boolean).flat();
    const phaseMean = (key) => round(mean(phases.map((p) => p[key])));
    const keys = ['cycle', 'orchestrator', 'pickup', 'tasks', 'handback'];
    return {
      ...Object.fromEntries(keys.map((k) => [k, phaseMean(k)])),
      analyses: phases.length / report.STAGES.length,
    };
  } finally {
    await Promise.all(Object.values(queues).map((q) => q.close()));
  }
}

/** Analyses one at a time, each followed at once by its direct replay, so drift touches both sides alike. */
async function oneAtATime(analyze, direct, count, label) {
  const pairs = [];
  for (let i = 0; i < count; i++) {
    const ultra = await analyze(`${label} ${i}`);
    pairs.push({ ultra, direct: await direct(ultra) });
  }
  return pairs;
}

/**
 * `count` analyses with `inFlight` at once, then their direct replays with as many at once: the two sides load
 * the machine in turn, not together. Returns the pairs and the CPU the Ultra side used per analysis.
 */
async function atOnce(analyze, direct, count, inFlight, label) {
  const cpuBefore = cpuSnapshot();
  const started = performance.now();
  const ultraRuns = await pool(count, inFlight, (i) => analyze(`${label} ${i}`));
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuPerCall(cpuBefore, cpuSnapshot(), count, seconds);
  let next = 0;
  const pairs = await pool(count, inFlight, async () => {
    const ultra = ultraRuns[next++];
    return { ultra, direct: await direct(ultra) };
  });
  const perAnalysis = Object.entries(cpu).map(([k, v]) => [k.replace('per call', 'per analysis'), v]);
  return { pairs, seconds, cpu: Object.fromEntries(perAnalysis) };
}

async function run({ log }) {
  const vendor = await startRecordingVendor(settings.latencyMs);
  const replay = directClient(vendor.fake);
  const direct = (ultra) => replay(vendor.takeBodies(ultra.tag), ultra.stages);
  try {
    const stack = await startBenchStack({ workers: 2, env: vendor.env, log });
    try {
      const token = await registerUser(stack.baseUrl, 'bench-overhead');
      const analyze = (label) => followAnalysis(stack.baseUrl, token, { ...REQUEST, ...ANALYSIS }, label);
      const { inFlight } = settings;
      // Both levels warmed up: the first burst of connections and cold code paths costs both sides far more.
      log(`warm-up: ${settings.warmUp} analyses one at a time, ${inFlight} at once, with their direct replays`);
      await oneAtATime(analyze, direct, settings.warmUp, 'warm-up');
      await atOnce(analyze, direct, inFlight, inFlight, 'warm-up burst');

      log(`${settings.sequential} analyses one at a time, each followed by its direct replay`);
      const sequential = await oneAtATime(analyze, direct, settings.sequential, 'sequential');
      const phases = await bullPhases(
        stack,
        sequential.map((p) => p.ultra.id),
      );
      log(`${settings.concurrent} analyses, ${inFlight} at once; then their direct replays, as many at once`);
      const concurrent = await atOnce(analyze, direct, settings.concurrent, inFlight, 'concurrent');

      const [one, many] = [report.summarize(sequential), report.summarize(concurrent.pairs)];
      const loaded = `${inFlight} at once`;
      const throughput = round(settings.concurrent / concurrent.seconds, 1);
      const refused = [...sequential, ...concurrent.pairs].reduce((sum, p) => sum + p.ultra.refused, 0);
      const rows = {
        ...report.levelRows('1 at a time', one),
        ...report.levelRows(loaded, many),
        [`throughput, ${loaded} (analyses/s)`]: throughput,
        'requests refused with 503 and retried, measured analyses': refused,
      };
      return {
        engine: stack.engine,
        settings:
          `${stack.engine} · 2 provider-workers · \`critique\` (4 stages, 10 calls) over ${MODELS.join(', ')} on ` +
          `the fake OpenAI vendor (answers after ${settings.latencyMs} ms, streamed) · warm-up ${settings.warmUp} ` +
          `one at a time and ${inFlight} at once · ${settings.sequential} analyses one at a time and ` +
          `${settings.concurrent} with ${loaded}`,
        intro: report.INTRO,
        rows,
        tables: {
          'One at a time, per stage': report.levelTable(one),
          [`${loaded}, per stage`]: report.levelTable(many),
          'Where a stage’s time goes, one at a time (BullMQ’s timestamps)': report.phaseRows(phases),
          [`CPU, Ultra side with ${loaded}`]: concurrent.cpu,
        },
        targets: ['1 at a time', loaded].flatMap((label) => [
          target(`per-stage overhead p50, ${label}`, rows[`per-stage overhead p50, ${label} (ms)`], 5),
          target(`per-stage overhead p99, ${label}`, rows[`per-stage overhead p99, ${label} (ms)`], 20),
        ]),
        notes: report.notesFor({ one, many, phases, cpu: concurrent.cpu, throughput, inFlight }),
      };
    } finally {
      await stack.stop();
    }
  } finally {
    await vendor.fake.close();
  }
}

module.exports = { id: 'overhead', title: 'Orchestration overhead per stage and per analysis', run };
