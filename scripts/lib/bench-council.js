// Council (issue 14, point 7): the `council` pattern (answer, rank as JSON, Borda tally, chair's synthesis) over
// three catalog models served by the wire-level fake OpenAI vendor, every reply after a fixed latency, many runs in
// flight. Three stages wait on models, so 3 × latency is the floor of a run; the rest is Ultra's.
'use strict';
const os = require('node:os');
const { FakeOpenAiServer } = require('@ultra/fake-llm');
const { cpuPerCall, cpuSnapshot } = require('./bench-cpu');
const { councilPhases } = require('./bench-council-phases');
const { councilReport } = require('./bench-council-report');
const { startBenchStack } = require('./bench-stack');
const { api, pool, registerUser, round, sleep } = require('./bench-util');

const settings = {
  runs: Number(process.env.BENCH_COUNCIL_RUNS ?? 300),
  inFlight: Number(process.env.BENCH_COUNCIL_IN_FLIGHT ?? 50),
  warmUp: Number(process.env.BENCH_COUNCIL_WARM_UP ?? 50),
  latencyMs: Number(process.env.BENCH_COUNCIL_LATENCY_MS ?? 500),
  workers: Number(process.env.BENCH_COUNCIL_WORKERS ?? 2),
  // Model calls are I/O-bound waits here: 50 runs hold up to 150 calls at once, more than 2 × the default 64.
  workerConcurrency: Number(process.env.BENCH_COUNCIL_WORKER_CONCURRENCY ?? 256),
};
// Catalog ids (config/models.json); the gateway requires the ultra model (the chair) to be one of the members.
const MODELS = ['openai:gpt-4o-mini', 'openai:gpt-4o', 'openai:gpt-4.1'];
const CHAIR = 'openai:gpt-4.1';
// Stages that wait on a model: answer, rank and chair (the Borda tally runs in the orchestrator).
const MODEL_STAGES = 3;

/** The labels of the peers' answers in a rank prompt, as the orchestrator renders them ("### Response B"). */
const labelsIn = (prompt) => [...new Set([...prompt.matchAll(/^### Response ([A-Z]{1,2})\b/gm)].map((m) => m[1]))];

/**
 * The fake vendor: a short answer to every call, and to the rank stage's prompt an assessment ending in the JSON
 * ranking it asks for (the peers it was shown, in a random order), so the tally has real ballots to count.
 */
async function startFakeVendor() {
  const fake = await new FakeOpenAiServer().listen(0);
  fake.reply((request) => {
    const messages = request.body?.messages ?? [];
    const prompt = String(messages[messages.length - 1]?.content ?? '');
    const labels = labelsIn(prompt);
    // The rank stage's own heading (config/patterns/council.yaml): the chair's prompt shows labelled answers too.
    if (!prompt.includes("## The other members' answers") || labels.length === 0) {
      return { latencyMs: settings.latencyMs, text: 'A short, fair answer from the fake vendor, with one caveat.' };
    }
    const ranking = labels.map((l) => ({ l, key: Math.random() })).sort((a, b) => a.key - b.key);
    const json = JSON.stringify({ ranking: ranking.map(({ l }) => `Response ${l}`) });
    return {
      latencyMs: settings.latencyMs,
      text: `Each answer is sound; the first below is the clearest.\n\n\`\`\`json\n${json}\n\`\`\``,
    };
  });
  return { fake, env: { OPENAI_API_KEY: 'sk-bench-openai', OPENAI_BASE_URL: `${fake.url}/v1` } };
}

/**
 * Waits for the analysis' final event on the SSE endpoint, as a client would: one connection per run, no polling.
 * Only the stream's tail is searched, so reading costs the bench process little.
 */
async function finalEvent(baseUrl, token, id) {
  const res = await fetch(`${baseUrl}/api/analyses/${id}/events`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`events of ${id} → ${res.status} ${await res.text()}`);
  const decoder = new TextDecoder();
  let tail = '';
  for await (const chunk of res.body) {
    tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4_096);
    const end = /\nevent: analysis\.(completed|failed)\n/.exec(tail);
    // Leaving the loop cancels the body, so the connection is freed at once (the gateway ends it there too).
    if (end) return end[1];
  }
  throw new Error(`the event stream of ${id} ended without a final event`);
}

const refused = { count: 0 };

/**
 * Submits a run; a 503 (the gateway could not queue it within its 1 s bound, e.g. on a starved machine) is retried
 * after a growing pause, as the answer asks, up to 10 times, and counted: the run's time includes the retries.
 */
async function submit(baseUrl, token, prompt) {
  // No cache: a cached answer would skip the latency the section is about.
  const body = { prompt, models: MODELS, ultraModel: CHAIR, pattern: 'council', cache: false };
  for (let attempt = 1; ; attempt++) {
    try {
      return await api(baseUrl, token, 'POST', '/api/analyze', body);
    } catch (error) {
      if (!/→ 503 /.test(error.message) || attempt === 10) throw error;
      refused.count++;
      await sleep(100 * attempt);
    }
  }
}

/** One council run, from submitting it to its final event at the client (a 503 retried, see submit). */
async function runOne(baseUrl, token, prompt) {
  const [wallStart, started] = [Date.now(), performance.now()];
  const accepted = await submit(baseUrl, token, prompt);
  const outcome = await finalEvent(baseUrl, token, accepted.id);
  if (outcome !== 'completed') throw new Error(`council run ${accepted.id} failed`);
  // Wall-clock ends line the run up with BullMQ's timestamps (bench-council-phases.js).
  return { id: accepted.id, ms: performance.now() - started, wallStart, wallEnd: Date.now() };
}

/** Checks that a run really went through all stages: every output answered and every member's ballot counted. */
async function checkRun(baseUrl, token, id) {
  const view = await api(baseUrl, token, 'GET', `/api/analyses/${id}`);
  const ranking = view.result?.ranking;
  const failed = (view.stages ?? []).flatMap((s) => (s.outputs ?? []).filter((o) => o.status !== 'completed'));
  if (ranking?.voters !== MODELS.length || ranking.unparsed?.length || failed.length) {
    throw new Error(`council run ${id} is incomplete: ${JSON.stringify({ ranking, failed }).slice(0, 2_000)}`);
  }
  return view;
}

async function run({ log }) {
  // Before anything of this section runs: other work on the machine shows in the notes.
  const loadAtStart = round(os.loadavg()[0], 1);
  const vendor = await startFakeVendor();
  try {
    const stack = await startBenchStack({
      workers: settings.workers,
      env: vendor.env,
      serviceEnv: { 'provider-worker': { WORKER_CONCURRENCY: String(settings.workerConcurrency) } },
      log,
    });
    try {
      const token = await registerUser(stack.baseUrl, 'bench-council');
      const prompt = (label, i) => `Council ${label} ${i} (${Date.now()}): how do tides work?`;
      log(`warm-up: ${settings.warmUp} runs, ${settings.inFlight} in flight`);
      await pool(settings.warmUp, settings.inFlight, (i) => runOne(stack.baseUrl, token, prompt('warm-up', i)));

      log(`${settings.runs} council runs, ${settings.inFlight} in flight, fake latency ${settings.latencyMs} ms`);
      refused.count = 0;
      const cpuBefore = cpuSnapshot();
      const started = performance.now();
      const runs = await pool(settings.runs, settings.inFlight, (i) => runOne(stack.baseUrl, token, prompt('run', i)));
      const seconds = (performance.now() - started) / 1000;
      const cpu = cpuPerCall(cpuBefore, cpuSnapshot(), settings.runs, seconds);
      const sample = await checkRun(stack.baseUrl, token, runs[runs.length - 1].id);
      const phases = await councilPhases(stack, runs, settings.latencyMs);
      return councilReport(
        { runs, seconds, cpu, phases, refused: refused.count, ballots: sample.result.ranking.voters },
        {
          settings,
          models: MODELS,
          chair: CHAIR,
          modelStages: MODEL_STAGES,
          callsPerRun: 2 * MODELS.length + 1,
          engine: stack.engine,
          cores: os.cpus().length,
          loadAtStart,
        },
      );
    } finally {
      await stack.stop();
    }
  } finally {
    await vendor.fake.close();
  }
}

module.exports = { id: 'council', title: 'Council: peer ranking and a chair over three models', run };
