// The compatible API's latency and req/s (issues 10 and 14): the official openai SDK calling the wire-level fake
// OpenAI vendor directly, through Ultra's POST /v1/chat/completions with a catalog model, which runs the `direct`
// pattern (one model, one call) through the whole pipeline, and through Portkey's open-source gateway, a stateless
// proxy (bench-portkey.js). The fake answers instantly, so each difference is what that side adds.
'use strict';
const { analysisEventsStream, PUSH_EVENT_FIELD } = require('@ultra/contracts');
const { FakeOpenAiServer } = require('@ultra/fake-llm');
const { redisOptionsFromUrl } = require('@ultra/platform');
const { Queue } = require('bullmq');
const { Redis } = require('ioredis');
const { OpenAI } = require('openai');
const { loadAll, startPortkey } = require('./bench-portkey');
const { startBenchStack } = require('./bench-stack');
const { mean, registerUser, round, sleep, target } = require('./bench-util');

const settings = {
  calls: Number(process.env.BENCH_COMPAT_CALLS ?? 100),
  paced: Number(process.env.BENCH_COMPAT_PACED ?? 20),
  connections: Number(process.env.BENCH_COMPAT_CONNECTIONS ?? 50),
  seconds: Number(process.env.BENCH_COMPAT_SECONDS ?? 10),
  warmUp: 20,
  settleMs: 40,
  // A vendor that streams its answer in pieces, as real ones do, shows how the token deltas are relayed.
  pacedChunks: ['A paced ', 'answer ', 'from the ', 'fake ', 'vendor, ', 'in pieces.'],
  pacedDelayMs: 20,
};
const VENDOR_MODEL = 'gpt-4o-mini';
const ULTRA_MODEL = `openai:${VENDOR_MODEL}`;
const PACED_TAG = '[paced]';
// The columns of the report; `paired` calls them in another order.
const SIDES = ['direct', 'ultra', 'portkey'];
const SIDE_NAMES = { direct: 'direct', ultra: 'through Ultra', portkey: 'through Portkey' };

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

/**
 * Runs the calls of each side in turn, one at a time, so drift on the machine touches every side alike. Ultra's
 * call comes last, and a pause follows it: Ultra answers before it has stored the end of the analysis, and that
 * tail would otherwise overlap (and slow) the next call.
 */
async function paired(count, label, call) {
  const calls = Object.fromEntries(SIDES.map((side) => [side, []]));
  for (let i = 0; i < count; i++) {
    for (const side of ['direct', 'portkey', 'ultra']) calls[side].push(await call(side, `${label} ${i}`));
    await sleep(settings.settleMs);
  }
  return calls;
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

/** Every call's timings on each side, the load runs and Ultra's phases; the stack and Portkey reach `fake`. */
async function benchCompat({ stack, fake, portkey, token, log }) {
  // Each side as autocannon and the SDK reach it: base URL, API key, extra headers, model.
  const sides = {
    direct: { url: fake.url, apiKey: 'sk-bench-openai', model: VENDOR_MODEL },
    ultra: { url: stack.baseUrl, apiKey: token, model: ULTRA_MODEL },
    portkey: { url: portkey.url, apiKey: 'sk-bench-openai', headers: portkey.headers, model: VENDOR_MODEL },
  };
  const sdks = {};
  for (const [side, { url, apiKey, headers }] of Object.entries(sides)) {
    sdks[side] = new OpenAI({ apiKey, baseURL: `${url}/v1`, defaultHeaders: headers, maxRetries: 0 });
  }
  // Distinct prompts everywhere, so the response cache never answers.
  const run = (fn) => (side, prompt) => fn(sdks[side], sides[side].model, `${prompt} ${Date.now()}`);

  log(`compat: warm-up, ${settings.warmUp} calls of each kind`);
  await paired(settings.warmUp, 'compat warm-up', run(complete));
  await paired(settings.warmUp, 'compat warm-up stream', run(stream));

  log(`compat: ${settings.calls} non-streaming and ${settings.calls} streaming calls on each side, one at a time`);
  const plain = await paired(settings.calls, 'compat plain', run(complete));
  const streamed = await paired(settings.calls, 'compat stream', run(stream));
  const phases = await breakdown(stack, token, plain.ultra, streamed.ultra);

  log(`compat: ${settings.paced} streaming calls to a vendor that paces its chunks (${settings.pacedDelayMs} ms)`);
  const paced = await paired(settings.paced, `compat ${PACED_TAG}`, run(stream));

  log(`compat: autocannon, ${settings.connections} connections for ${settings.seconds} s against each side`);
  const load = await loadAll(sides, portkey.pid, settings);

  return { plain, streamed, paced, load, phases };
}

/** The section of `npm run bench`: its own fake vendor, stack and Portkey, all stopped whatever happens. */
async function run({ log }) {
  // Required here: the report module reads this module's settings.
  const { compatBody, compatFigures } = require('./bench-compat-report');
  const vendor = await startFakeVendor();
  try {
    const portkey = await startPortkey({ vendorUrl: vendor.fake.url, log });
    try {
      const stack = await startBenchStack({ workers: 2, env: { MOCK_LATENCY_MS: '0', ...vendor.env }, log });
      try {
        const token = await registerUser(stack.baseUrl, 'bench-compat');
        const measured = await benchCompat({ stack, fake: vendor.fake, portkey, token, log });
        const { rows, figures } = compatFigures(measured);
        const [ultra, peer] = [figures.ultra, figures.portkey];
        return {
          rows,
          body: compatBody({ figures, phases: measured.phases, cpu: measured.load.cpu }),
          targets: [
            target('added latency of a direct call, p50', ultra['added, non-streaming p50 (ms)'], 5),
            target('added time to first token, p50', ultra['added, TTFT p50 (ms)'], 5),
            target(
              'added latency p50 vs Portkey',
              ultra['added, non-streaming p50 (ms)'],
              peer['added, non-streaming p50 (ms)'],
            ),
            target('/v1/chat/completions req/s', ultra['under load: req/s'], 2000, { unit: 'req/s', atLeast: true }),
          ],
          engine: stack.engine,
        };
      } finally {
        await stack.stop();
      }
    } finally {
      await portkey.stop();
    }
  } finally {
    await vendor.fake.close();
  }
}

module.exports = {
  id: 'compat',
  title: 'Compatible API: a catalog model through `POST /v1/chat/completions`',
  run,
  benchCompat,
  startFakeVendor,
  compatSettings: settings,
  SIDES,
  SIDE_NAMES,
};
