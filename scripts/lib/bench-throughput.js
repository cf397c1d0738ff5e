// Pipeline throughput (issue 14, point 2): sustained model calls per second with 1, 2 and 4 provider-workers, and
// where the cores go (CPU per service, Redis commands and bytes per call). One fresh stack per setting, so no run
// inherits another's queues or tables.
'use strict';
const { FakeOpenAiServer } = require('@ultra/fake-llm');
const { cpuPerCall, cpuSnapshot } = require('./bench-cpu');
const { startBenchStack } = require('./bench-stack');
const {
  bytesOf,
  postgresCpu,
  postgresCpuMs,
  redisPerCall,
  redisSnapshot,
  startRedis,
} = require('./bench-throughput-redis');
const { notesOf, runTable } = require('./bench-throughput-notes');
const { api, registerUser, round, sleep, target } = require('./bench-util');

const env = (name, fallback) => process.env[`BENCH_THROUGHPUT_${name}`] ?? fallback;
const settings = {
  workers: env('WORKERS', '1,2,4').split(',').map(Number),
  // Analyses kept in flight; critique over 3 models has 3 calls of each in flight at a time (1 in its last stage).
  inFlight: Number(env('IN_FLIGHT', 100)),
  idleS: 2,
  warmUpS: Number(env('WARM_UP_S', 5)),
  windowS: Number(env('WINDOW_S', 10)),
  // Also run the best worker count against the fake OpenAI vendor (HTTP + the official SDK); 0 skips it.
  fake: env('FAKE', '1') === '1',
  // Analyses whose jobs and push stream are measured for bytes per call.
  bytesSample: 20,
};
const PATTERN = 'critique';
const CALLS_PER_ANALYSIS = 10; // critique with 3 models: 3 answers, 3 critiques, 3 revisions, 1 synthesis
const VENDORS = {
  mock: { models: ['mock:alpha', 'mock:beta', 'mock:gamma'], label: 'mock models (in-process, instant)' },
  fake: {
    models: ['openai:gpt-4o-mini', 'openai:gpt-4o', 'openai:gpt-4.1'],
    label: 'fake OpenAI vendor (HTTP + openai SDK, instant)',
  },
};

/**
 * Keeps `inFlight` analyses running until stopped. Completion is counted in Redis, not by polling the API (which
 * would load the gateway): model calls done = members of BullMQ's completed and failed sets of model-tasks (model
 * calls are kept there for an hour), so analyses in flight ≈ accepted − done / calls per analysis. Each check is
 * two ZCARDs, counted so they can be taken off the Redis figures.
 */
function keepLoaded({ baseUrl, token, redis, prefix, models, tag }) {
  const keys = ['completed', 'failed'].map((set) => `${prefix}:model-tasks:${set}`);
  const state = { submitted: 0, ids: [], ownCommands: 0, stopped: false, errors: 0 };
  const done = async () => {
    state.ownCommands += keys.length;
    const counts = await Promise.all(keys.map((key) => redis.zcard(key)));
    return { completed: counts[0], failed: counts[1] };
  };
  const submit = async () => {
    const i = state.submitted++;
    // A prompt of its own per analysis: the response cache (on, as by default) never answers for a model.
    const body = { prompt: `Throughput ${tag} #${i}: why is the sky blue?`, models, pattern: PATTERN };
    try {
      state.ids.push((await api(baseUrl, token, 'POST', '/api/analyze', body)).id);
    } catch (error) {
      state.errors++;
      state.lastError = String(error.message);
    }
  };
  const loop = (async () => {
    while (!state.stopped) {
      const { completed, failed } = await done();
      const accepted = state.submitted - state.errors;
      const deficit = Math.floor(settings.inFlight - (accepted - (completed + failed) / CALLS_PER_ANALYSIS));
      const refused = state.errors;
      // At most 16 submissions at once: enough for ~1,000 analyses/s, few enough not to swamp the gateway.
      if (deficit > 0) await Promise.all(Array.from({ length: Math.min(deficit, 16) }, submit));
      // A gateway answering 503 gets a pause, as a client would give it, instead of a storm of retries.
      await sleep(state.errors > refused ? 250 : deficit > 0 ? 0 : 10);
    }
  })().catch((error) => {
    state.failure = error;
  });
  const stop = async () => {
    state.stopped = true;
    await loop;
    if (state.failure) throw state.failure;
  };
  return { state, done, stop };
}

/** Waits until every submitted analysis' calls are done and the last analyses are stored as completed. */
async function drain(load, { baseUrl, token }) {
  const expected = load.state.ids.length * CALLS_PER_ANALYSIS;
  for (let i = 0; i < 600; i++) {
    const { completed, failed } = await load.done();
    if (completed + failed >= expected) break;
    await sleep(100);
  }
  // Results stores an analysis' end just after its last call: a few GETs, now that nothing is measured.
  for (let i = 0, open = load.state.ids.slice(-3); open.length; i++) {
    const views = await Promise.all(open.map((id) => api(baseUrl, token, 'GET', `/api/analyses/${id}`)));
    open = views.filter((v) => v.status !== 'completed').map((v) => v.id);
    if (i === 300 || views.some((v) => v.status === 'failed')) {
      throw new Error(`analyses not completed after the drain: ${views.map((v) => `${v.id} ${v.status}`)}`);
    }
    if (open.length) await sleep(100);
  }
}

/** One setting: a fresh stack, warm-up, the measured window, then the stack drains and its jobs are weighed. */
async function measure({ workers, vendor, log }) {
  const own = await startRedis();
  const redis = own.client;
  let [stack, fake, load] = [];
  try {
    fake = vendor === 'fake' ? await new FakeOpenAiServer().listen(0) : null;
    const vendorEnv = fake ? { OPENAI_API_KEY: 'sk-bench-openai', OPENAI_BASE_URL: `${fake.url}/v1` } : {};
    stack = await startBenchStack({ workers, env: { MOCK_LATENCY_MS: '0', REDIS_URL: own.url, ...vendorEnv }, log });
    const token = await registerUser(stack.baseUrl, 'bench-throughput');
    // What the idle stack sends Redis anyway (BullMQ's blocking waits and timers), to set against the load.
    const idle0 = await redisSnapshot(redis);
    await sleep(settings.idleS * 1000);
    const idle1 = await redisSnapshot(redis);
    const tag = `${vendor}-${workers}-${Date.now()}`;
    load = keepLoaded({ ...stack, token, redis, models: VENDORS[vendor].models, tag });
    log(`${vendor}, ${workers} provider-worker(s): ${settings.warmUpS} s warm-up, ${settings.windowS} s measured`);
    await sleep(settings.warmUpS * 1000);
    const [done0, redis0, pg0, cpu0, t0] = [
      await load.done(),
      await redisSnapshot(redis),
      postgresCpu(),
      cpuSnapshot(),
      performance.now(),
    ];
    const own0 = load.state.ownCommands;
    await sleep(settings.windowS * 1000);
    const [t1, cpu1, pg1, redis1] = [performance.now(), cpuSnapshot(), postgresCpu(), await redisSnapshot(redis)];
    // The counters' ZCARDs in the window and the first INFO (each INFO counts once done) are the bench's own.
    const ownCommands = { zcard: load.state.ownCommands - own0, info: 1 };
    const done1 = await load.done();
    await load.stop();
    await drain(load, { ...stack, token });
    if (load.state.errors) log(`${load.state.errors} submissions failed, last: ${load.state.lastError}`);
    const seconds = (t1 - t0) / 1000;
    const calls = done1.completed + done1.failed - done0.completed - done0.failed;
    if (calls === 0) throw new Error(`no model call completed in the window; last refusal: ${load.state.lastError}`);
    return {
      workers,
      vendor,
      engine: stack.engine,
      callsPerS: calls / seconds,
      analysesPerS: calls / seconds / CALLS_PER_ANALYSIS,
      failedCalls: (await load.done()).failed,
      submitErrors: load.state.errors,
      cpu: cpuPerCall(cpu0, cpu1, calls, seconds),
      redisCpuMs: redis1.cpuMs - redis0.cpuMs,
      postgresCpuMs: postgresCpuMs(pg0, pg1),
      calls,
      idleCommandsPerS: (idle1.commands - idle0.commands - 1) / settings.idleS,
      redis: redisPerCall(redis0, redis1, calls, ownCommands),
      bytes: await bytesOf(redis, stack.prefix, load.state.ids.slice(-settings.bytesSample)),
    };
  } finally {
    // Stops a loop still running after a failure in the window; a failure of the loop itself was thrown above.
    await load?.stop().catch(() => {});
    await stack?.stop();
    await own.stop();
    await fake?.close();
  }
}

async function run({ log }) {
  const runs = [];
  for (const workers of settings.workers) runs.push(await measure({ workers, vendor: 'mock', log }));
  const best = runs.reduce((a, b) => (b.callsPerS > a.callsPerS ? b : a));
  if (settings.fake) runs.push(await measure({ workers: best.workers, vendor: 'fake', log }));
  const rows = {};
  const tables = {};
  for (const r of runs) {
    const name = `${VENDORS[r.vendor].label}, ${r.workers} provider-worker${r.workers > 1 ? 's' : ''}`;
    rows[`${name} (model calls/s)`] = round(r.callsPerS, 0);
    tables[name] = runTable(r);
  }
  const value = round(best.callsPerS, 0);
  return {
    settings:
      `${best.engine} · \`${PATTERN}\` over 3 models (${CALLS_PER_ANALYSIS} calls per analysis) · ` +
      `${settings.inFlight} analyses in flight · ${settings.warmUpS} s warm-up, ${settings.windowS} s measured · ` +
      `provider-workers ${settings.workers.join(', ')} (WORKER_CONCURRENCY 64 each) · one fresh stack per setting`,
    intro: [
      'The mock models answer instantly inside the provider-worker (MOCK_LATENCY_MS=0): the throughput is the',
      'pipeline’s own — gateway, orchestrator, provider-workers, results, Redis and Postgres on the same 2 cores.',
      'The fake OpenAI vendor run adds what a real vendor costs the worker: HTTP and the official SDK (the fake',
      'itself runs in the bench process). Completion is counted from BullMQ’s completed and failed sets of the',
      'model-tasks queue (two ZCARDs per check, taken off the Redis figures), not by polling the API. Each stack',
      'has a redis-server of its own (persistence off), so the Redis figures — INFO deltas over the window — are',
      'the stack’s alone. Postgres’ CPU is that of every postgres process on the machine (PGlite’s when',
      'embedded); “the rest” is what no process above accounts for: the kernel and anything else running.',
    ],
    rows: { ...rows, 'best worker count (provider-workers)': best.workers },
    tables,
    targets: [target('model calls/s, best worker count', value, 1000, { unit: 'calls/s', atLeast: true })],
    notes: notesOf(runs, best),
  };
}

module.exports = { id: 'throughput', title: 'Pipeline throughput: model calls per second by worker count', run };
