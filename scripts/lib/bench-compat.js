// The compatible API's latency (issue 10): the official openai SDK calling the wire-level fake OpenAI vendor
// directly, against the same SDK calling Ultra's POST /v1/chat/completions with a catalog model, which runs the
// `direct` pattern (one model, one call) through the whole pipeline. The fake answers instantly, so the difference
// is what Ultra adds.
'use strict';
const { analysisEventsStream, PUSH_EVENT_FIELD } = require('@ultra/contracts');
const { FakeOpenAiServer } = require('@ultra/fake-llm');
const { redisOptionsFromUrl } = require('@ultra/platform');
const { Queue } = require('bullmq');
const { Redis } = require('ioredis');
const { OpenAI } = require('openai');
const { cpuPerCall, cpuSnapshot } = require('./bench-cpu');

const settings = {
  calls: Number(process.env.BENCH_COMPAT_CALLS ?? 100),
  concurrent: Number(process.env.BENCH_COMPAT_CONCURRENT ?? 400),
  inFlight: Number(process.env.BENCH_COMPAT_IN_FLIGHT ?? 20),
  paced: Number(process.env.BENCH_COMPAT_PACED ?? 20),
  warmUp: 20,
  // A vendor that streams its answer in pieces, as real ones do, shows how the token deltas are relayed.
  pacedChunks: ['A paced ', 'answer ', 'from the ', 'fake ', 'vendor, ', 'in pieces.'],
  pacedDelayMs: 20,
};
const VENDOR_MODEL = 'gpt-4o-mini';
const ULTRA_MODEL = `openai:${VENDOR_MODEL}`;
const PACED_TAG = '[paced]';

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const round = (n, digits = 2) => Number(n.toFixed(digits));
const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** Starts the fake vendor before the stack, which reaches it through these variables. */
async function startFakeVendor() {
  const fake = await new FakeOpenAiServer().listen(0);
  fake.reply((request) => {
    const messages = request.body?.messages ?? [];
    const last = String(messages[messages.length - 1]?.content ?? '');
    return last.includes(PACED_TAG) ? { chunks: settings.pacedChunks, chunkDelayMs: settings.pacedDelayMs } : undefined;
  });
  return { fake, env: { OPENAI_API_KEY: 'sk-bench-openai', OPENAI_BASE_URL: `${fake.url}/v1` } };
}

const ask = (prompt) => [{ role: 'user', content: prompt }];

/** One non-streaming call; wall-clock start and end (Date.now) line it up with BullMQ's and Redis' timestamps. */
async function complete(client, model, prompt) {
  const [wallStart, started] = [Date.now(), performance.now()];
  const { data, response } = await client.chat.completions.create({ model, messages: ask(prompt) }).withResponse();
  const ms = performance.now() - started;
  if (!data.choices[0]?.message?.content) throw new Error(`${model}: empty answer ${JSON.stringify(data)}`);
  return { ms, wallStart, wallEnd: Date.now(), analysisId: response.headers.get('x-ultra-analysis-id') };
}

/** One streaming call: time to the first chunk with non-empty delta.content, and to the end of the stream. */
async function stream(client, model, prompt) {
  const [wallStart, started] = [Date.now(), performance.now()];
  const { data, response } = await client.chat.completions
    .create({ model, messages: ask(prompt), stream: true })
    .withResponse();
  let ttft;
  let wallFirst;
  for await (const chunk of data) {
    if (ttft === undefined && chunk.choices[0]?.delta?.content) {
      ttft = performance.now() - started;
      wallFirst = Date.now();
    }
  }
  if (ttft === undefined) throw new Error(`${model}: the stream had no content`);
  const total = performance.now() - started;
  return { ttft, total, wallStart, wallFirst, analysisId: response.headers.get('x-ultra-analysis-id') };
}

/** Runs direct and Ultra calls alternately, so drift on the machine touches both sides alike. */
async function paired(count, label, call) {
  const direct = [];
  const ultra = [];
  for (let i = 0; i < count; i++) {
    direct.push(await call('direct', `${label} ${i}`));
    ultra.push(await call('ultra', `${label} ${i}`));
  }
  return { direct, ultra };
}

/** Whole-millisecond wall times of one direct call through Ultra, from BullMQ jobs and the push stream. */
async function timelineOf(queues, redis, prefix, analysisId, viewOf) {
  const [view, start, task, collect, finish] = await Promise.all([
    viewOf(analysisId),
    queues.analyses.getJob(analysisId),
    queues.modelTasks.getJob(`${analysisId}_0_0`),
    queues.analyses.getJob(`${analysisId}_0`),
    queues.results.getJob(`${analysisId}_finish`),
  ]);
  // BullMQ keeps a bounded history of finished jobs: a call whose jobs are gone is left out of the means.
  if (!start || !task || !collect || !finish) return null;
  const entries = await redis.xrange(analysisEventsStream(prefix, analysisId), '-', '+');
  const added = (type) => {
    const entry = entries.find(([, fields]) => JSON.parse(fields[fields.indexOf(PUSH_EVENT_FIELD) + 1]).type === type);
    return entry ? Number(entry[0].split('-')[0]) : NaN;
  };
  return {
    // Results stamps the row with now(): when its insert's transaction began (Postgres' clock, this machine's).
    stored: Date.parse(view.createdAt),
    queued: start.timestamp,
    orchestratorStarts: start.processedOn,
    taskQueued: task.timestamp,
    taskPicked: task.processedOn,
    answerPublished: added('output.completed'),
    taskDone: task.finishedOn,
    collectStarts: collect.processedOn,
    finishQueued: finish.timestamp,
    finishStarts: finish.processedOn,
    endPublished: added('analysis.completed'),
  };
}

/** Mean time between consecutive points of the timelines, each phase named for what happens in it. */
async function breakdown(stack, token, ultraCalls, ultraStreams) {
  const bull = { connection: redisOptionsFromUrl(stack.redisUrl), prefix: stack.prefix };
  const queues = {
    analyses: new Queue('analyses', bull),
    modelTasks: new Queue('model-tasks', bull),
    results: new Queue('results', bull),
  };
  const redis = new Redis(stack.redisUrl);
  const viewOf = async (id) => {
    const res = await fetch(`${stack.baseUrl}/api/analyses/${id}`, { headers: { authorization: `Bearer ${token}` } });
    return res.json();
  };
  try {
    const timelines = async (list) =>
      (
        await Promise.all(
          list.map(async (c) => {
            const timeline = await timelineOf(queues, redis, stack.prefix, c.analysisId, viewOf);
            return timeline && { ...c, ...timeline };
          }),
        )
      ).filter(Boolean);
    const [calls, streams] = [await timelines(ultraCalls), await timelines(ultraStreams)];
    const phase = (from, to, list = calls) => round(mean(list.map((c) => c[to] - c[from])));
    return {
      'gateway: request in → results starts storing the analysis (auth, checks, HTTP to results)': phase(
        'wallStart',
        'stored',
      ),
      'results stores the analysis, gateway queues analysis.start': phase('stored', 'queued'),
      'orchestrator picks analysis.start up': phase('queued', 'orchestratorStarts'),
      'orchestrator plans the stage → model task queued': phase('orchestratorStarts', 'taskQueued'),
      'provider-worker picks the task up': phase('taskQueued', 'taskPicked'),
      'provider-worker: vendor call (streamed) → answer in the push stream': phase('taskPicked', 'answerPublished'),
      'provider-worker completes the task': phase('answerPublished', 'taskDone'),
      'BullMQ hands the stage back (stage.collect starts)': phase('taskDone', 'collectStarts'),
      'orchestrator ends the analysis → analysis.finish queued': phase('collectStarts', 'finishQueued'),
      'results stores the stage record, starts analysis.finish': phase('finishQueued', 'finishStarts'),
      'results stores the end → analysis.completed in the push stream': phase('finishStarts', 'endPublished'),
      'gateway reads analysis.completed → response at the client': phase('endPublished', 'wallEnd'),
      'streaming: answer in the push stream → first token at the client': phase(
        'answerPublished',
        'wallFirst',
        streams,
      ),
    };
  } finally {
    await Promise.all(Object.values(queues).map((q) => q.close()));
    redis.disconnect();
  }
}

/** All compatible-API measures, as rows of the report; the stack must reach `fake` (startFakeVendor's env). */
async function benchCompat({ stack, fake, token, log }) {
  const clients = {
    direct: { sdk: new OpenAI({ apiKey: 'sk-bench-openai', baseURL: `${fake.url}/v1`, maxRetries: 0 }) },
    ultra: { sdk: new OpenAI({ apiKey: token, baseURL: `${stack.baseUrl}/v1`, maxRetries: 0 }) },
  };
  clients.direct.model = VENDOR_MODEL;
  clients.ultra.model = ULTRA_MODEL;
  // Distinct prompts everywhere, so the response cache never answers.
  const run = (fn) => (side, prompt) => fn(clients[side].sdk, clients[side].model, `${prompt} ${Date.now()}`);

  log(`compat: warm-up, ${settings.warmUp} calls of each kind`);
  await paired(settings.warmUp, 'compat warm-up', run(complete));
  await paired(settings.warmUp, 'compat warm-up stream', run(stream));

  log(`compat: ${settings.calls} non-streaming and ${settings.calls} streaming calls, direct and through Ultra`);
  const plain = await paired(settings.calls, 'compat plain', run(complete));
  const streamed = await paired(settings.calls, 'compat stream', run(stream));
  const phases = await breakdown(stack, token, plain.ultra, streamed.ultra);

  log(`compat: ${settings.paced} streaming calls to a vendor that paces its chunks (${settings.pacedDelayMs} ms)`);
  const paced = await paired(settings.paced, `compat ${PACED_TAG}`, run(stream));

  log(`compat: ${settings.concurrent} non-streaming calls through Ultra, ${settings.inFlight} in flight`);
  let next = 0;
  const loaded = [];
  const cpuBefore = cpuSnapshot();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: settings.inFlight }, async () => {
      while (next < settings.concurrent) {
        const i = next++;
        loaded.push((await run(complete)('ultra', `compat load ${i}`)).ms);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuPerCall(cpuBefore, cpuSnapshot(), settings.concurrent, seconds);

  const p = (list, key, n) =>
    round(
      percentile(
        list.map((c) => c[key]),
        n,
      ),
    );
  const added = (pair, key) => round(p(pair.ultra, key, 50) - p(pair.direct, key, 50));
  const rows = {
    'direct SDK → vendor, non-streaming p50 (ms)': p(plain.direct, 'ms', 50),
    'direct SDK → vendor, non-streaming p95 (ms)': p(plain.direct, 'ms', 95),
    'SDK → Ultra → vendor, non-streaming p50 (ms)': p(plain.ultra, 'ms', 50),
    'SDK → Ultra → vendor, non-streaming p95 (ms)': p(plain.ultra, 'ms', 95),
    'added by Ultra, non-streaming p50 (ms)': added(plain, 'ms'),
    'direct SDK → vendor, streaming TTFT p50 (ms)': p(streamed.direct, 'ttft', 50),
    'direct SDK → vendor, streaming TTFT p95 (ms)': p(streamed.direct, 'ttft', 95),
    'direct SDK → vendor, streaming total p50 (ms)': p(streamed.direct, 'total', 50),
    'SDK → Ultra → vendor, streaming TTFT p50 (ms)': p(streamed.ultra, 'ttft', 50),
    'SDK → Ultra → vendor, streaming TTFT p95 (ms)': p(streamed.ultra, 'ttft', 95),
    'SDK → Ultra → vendor, streaming total p50 (ms)': p(streamed.ultra, 'total', 50),
    'added by Ultra, TTFT p50 (ms)': added(streamed, 'ttft'),
    'paced vendor: direct TTFT p50 (ms)': p(paced.direct, 'ttft', 50),
    'paced vendor: through Ultra TTFT p50 (ms)': p(paced.ultra, 'ttft', 50),
    'paced vendor: added TTFT p50 (ms)': added(paced, 'ttft'),
    'paced vendor: added total p50 (ms)': added(paced, 'total'),
    [`through Ultra, ${settings.inFlight} in flight (req/s)`]: round(settings.concurrent / seconds, 1),
    [`through Ultra, ${settings.inFlight} in flight, p50 (ms)`]: round(percentile(loaded, 50)),
    [`through Ultra, ${settings.inFlight} in flight, p95 (ms)`]: round(percentile(loaded, 95)),
  };
  return { rows, phases, cpu };
}

module.exports = { benchCompat, startFakeVendor, compatSettings: settings };
