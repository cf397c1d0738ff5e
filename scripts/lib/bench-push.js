// Push (issue 14, point 5): how long a token takes from the vendor to an SSE client of GET /api/analyses/:id/events,
// and whether one gateway carries 1,000 SSE clients at once. A single-model `direct` analysis calls the fake OpenAI
// vendor, which streams its answer in numbered chunks spaced apart as a real model's tokens are; each chunk is
// timed from the vendor's write to its arrival in an output.delta at the client (one clock: same process).
'use strict';
const http = require('node:http');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { cpuSnapshot } = require('./bench-cpu');
const { TimedOpenAiServer, followEvents, processUsage, watchRss } = require('./bench-push-clients');
const { startBenchStack } = require('./bench-stack');
const { api, pool, registerUser, sleep } = require('./bench-util');

const settings = {
  chunks: Number(process.env.BENCH_PUSH_CHUNKS ?? 20),
  chunkDelayMs: Number(process.env.BENCH_PUSH_CHUNK_MS ?? 100),
  answers: Number(process.env.BENCH_PUSH_ANSWERS ?? 5),
  clients: Number(process.env.BENCH_PUSH_CLIENTS ?? 1000),
  analyses: Number(process.env.BENCH_PUSH_ANALYSES ?? 100),
  connectInFlight: Number(process.env.BENCH_PUSH_CONNECT_IN_FLIGHT ?? 50),
};
const MODEL = 'openai:gpt-4o-mini';
// Past this, a phase is declared stuck and the section fails (the stack is stopped in any case).
const PHASE_TIMEOUT_MS = 180_000;
const CONNECT_ATTEMPTS = 3;
// bench-cpu.js' name for this process' own CPU time.
const BENCH_PROCESS = 'bench process (SDK client and fake vendor)';

const withTimeout = (promise, what) =>
  Promise.race([
    promise,
    new Promise((_, fail) =>
      setTimeout(
        () => fail(new Error(`${what}: no end within ${PHASE_TIMEOUT_MS / 1000} s`)),
        PHASE_TIMEOUT_MS,
      ).unref(),
    ),
  ]);

async function submit(stack, token, tag) {
  const body = { prompt: `Push bench ${tag}: say anything.`, models: [MODEL], pattern: 'direct' };
  return (await api(stack.baseUrl, token, 'POST', '/api/analyze', body)).id;
}

/** One client, one analysis at a time: the latency of every token of `settings.answers` answers. */
async function tokenLatency({ stack, fake, agent, token }, label) {
  const first = [];
  const later = [];
  for (let i = 0; i < settings.answers; i++) {
    const tag = `pb${label}x${i}`;
    fake.expect(tag, settings);
    const id = await submit(stack, token, tag);
    const { ended } = await followEvents({ baseUrl: stack.baseUrl, token, id, agent, written: fake.written });
    fake.open(tag);
    const { tokens } = await withTimeout(ended, `answer ${tag}`);
    for (const t of tokens) (t.k === 0 ? first : later).push(t.ms);
  }
  return { first, later, all: [...first, ...later] };
}

/**
 * `settings.clients` SSE clients spread evenly over `settings.analyses` analyses, all connected before any vendor
 * answer starts; the answers then start spread over one chunk interval, as independent analyses would.
 */
async function manyClients({ stack, fake, agent, token }, log) {
  const gateway = stack.services.find((s) => s.name === 'gateway').pid;
  const tags = Array.from({ length: settings.analyses }, (_, i) => `pbloadx${i}`);
  tags.forEach((tag, i) =>
    fake.expect(tag, { ...settings, latencyMs: Math.round((i / tags.length) * settings.chunkDelayMs) }),
  );
  const ids = await pool(tags.length, 20, async (i) => ({ i, id: await submit(stack, token, tags[i]) }));
  const idOf = Object.fromEntries(ids.map(({ i, id }) => [i, id]));

  const before = processUsage(gateway);
  log(`push: connecting ${settings.clients} SSE clients to ${settings.analyses} analyses`);
  const refusals = [];
  const failed = [];
  const connectMs = [];
  const connectStarted = performance.now();
  const follow = { baseUrl: stack.baseUrl, token, agent, written: fake.written };
  const streams = (
    await pool(settings.clients, settings.connectInFlight, async (c) => {
      const started = performance.now();
      // A 503 says "retry shortly" (results slow to answer, or the stream limit): the client does, twice.
      for (let attempt = 1; ; attempt++) {
        try {
          const opened = await followEvents({ ...follow, id: idOf[c % tags.length] });
          connectMs.push(performance.now() - started);
          return opened;
        } catch (error) {
          const message = String(error.message ?? error);
          if (attempt === CONNECT_ATTEMPTS || !message.startsWith('HTTP 503')) {
            failed.push(message);
            return null;
          }
          refusals.push(message);
          await sleep(1000);
        }
      }
    })
  ).filter(Boolean);
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  const connected = processUsage(gateway);

  log(`push: ${streams.length} connected; the vendor streams ${settings.analyses} answers`);
  const peakRss = watchRss(gateway);
  // The bench process is the vendor and every client: its own lag would show as latency, so it is measured too.
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const [cpuBefore, started] = [cpuSnapshot(), performance.now()];
  for (const tag of tags) fake.open(tag);
  const results = await withTimeout(Promise.all(streams.map((s) => s.ended)), 'the loaded streams');
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuSnapshot();
  lag.disable();
  const cores = (name) => ((cpuAfter.perService[name] ?? 0) - (cpuBefore.perService[name] ?? 0)) / 1000 / seconds;
  const latencies = results.flatMap((r) => r.tokens.map((t) => t.ms));
  return {
    connected: streams.length,
    refusals,
    failed,
    connectSeconds,
    connectMs,
    latencies,
    missing: streams.length * settings.chunks - latencies.length,
    unfinished: results.filter((r) => r.finalType !== 'analysis.completed').length,
    rss: { before: before.rssMiB, connected: connected.rssMiB, peak: peakRss() },
    cores: {
      gateway: cores('gateway'),
      worker: cores('provider-worker'),
      bench: cores(BENCH_PROCESS),
      machine: (cpuAfter.busy - cpuBefore.busy) / 1000 / seconds,
    },
    benchLagP99: lag.percentile(99) / 1e6,
    seconds,
  };
}

/** Runs `job({ stack, fake, agent, token })` on a stack of its own, whose provider-worker flushes every `flushMs`. */
async function withStack({ fake, agent }, log, flushMs, job) {
  const stack = await startBenchStack({
    workers: 1,
    env: { OPENAI_API_KEY: 'sk-bench-openai', OPENAI_BASE_URL: `${fake.url}/v1` },
    log,
    serviceEnv: {
      // Every analysis of the load phase holds its one call open at once on this worker.
      'provider-worker': {
        WORKER_CONCURRENCY: String(Math.max(64, settings.analyses)),
        ...(flushMs !== undefined && { DELTA_FLUSH_MS: String(flushMs) }),
      },
      gateway: { SSE_MAX_STREAMS: String(Math.max(1000, settings.clients)) },
    },
  });
  try {
    return await job({ stack, fake, agent, token: await registerUser(stack.baseUrl, 'bench-push') });
  } finally {
    await stack.stop();
  }
}

async function run({ log }) {
  const { pushReport } = require('./bench-push-report');
  // One agent without a socket limit: undici's fetch pools connections per origin; node:http's default agent is
  // unlimited too, but the limit is set here so 1,000 streams are 1,000 sockets whatever the defaults.
  const tools = { fake: await new TimedOpenAiServer().listen(0), agent: new http.Agent({ maxSockets: Infinity }) };
  try {
    log(`push: default DELTA_FLUSH_MS, one client, ${settings.answers} answers of ${settings.chunks} chunks`);
    const { batched, load, engine } = await withStack(tools, log, undefined, async (ctx) => ({
      batched: await tokenLatency(ctx, 'f50'),
      load: await manyClients(ctx, log),
      engine: ctx.stack.engine,
    }));
    log('push: DELTA_FLUSH_MS=0, one client');
    const unbatched = await withStack(tools, log, 0, (ctx) => tokenLatency(ctx, 'f0'));
    return { engine, ...pushReport({ settings, model: MODEL, engine, batched, unbatched, load }) };
  } finally {
    tools.agent.destroy();
    await tools.fake.close();
  }
}

module.exports = { id: 'push', title: 'Push: provider token → SSE client, and 1,000 SSE clients on one gateway', run };
