// The two sides of the overhead section (bench-overhead.js): an analysis as a client sees it, submitted to Ultra and
// followed on its event stream, and the same model calls made directly with the openai SDK against the same fake.
'use strict';
const { FakeOpenAiServer } = require('@ultra/fake-llm');
const { OpenAI } = require('openai');
const { sleep } = require('./bench-util');

const STACK_KEY = 'sk-bench-overhead-ultra';
const DIRECT_KEY = 'sk-bench-overhead-direct';
const RETRIES_503 = 5;
// Each analysis' question carries a tag, which every stage's prompt repeats: it tells whose request the fake got.
const TAG = /\[overhead [^\]]+\]/;
// An answer of a few sentences: the later stages' prompts carry the earlier answers, as with real models.
const ANSWER =
  'Redis streams keep an append-only log per key; consumers read by id, so a reader that reconnects resumes ' +
  'exactly where it stopped. Entries expire with the key, and trimming bounds memory. That makes them a good ' +
  'fit for replayable progress events, at the price of one connection per blocked reader.';

/**
 * The fake OpenAI vendor, started before the stack (which reaches it through `env`). It records, per analysis tag,
 * the body of every request the stack sent, in arrival order: the direct side replays exactly those requests.
 */
async function startRecordingVendor(latencyMs) {
  const fake = await new FakeOpenAiServer().listen(0);
  const bodies = new Map();
  fake.reply((request) => {
    if (request.headers.authorization === `Bearer ${STACK_KEY}`) {
      const tag = JSON.stringify(request.body?.messages ?? []).match(TAG)?.[0];
      if (tag) bodies.set(tag, [...(bodies.get(tag) ?? []), request.body]);
    }
    return { text: ANSWER, latencyMs };
  });
  const env = { OPENAI_API_KEY: STACK_KEY, OPENAI_BASE_URL: `${fake.url}/v1` };
  // Taken once: the map holds only the analyses not replayed yet.
  const takeBodies = (tag) => {
    const list = bodies.get(tag) ?? [];
    bodies.delete(tag);
    return list;
  };
  return { fake, env, takeBodies };
}

/**
 * Reads a server-sent-events response, calling `onEvent(type, data, arrivedAt)` (arrival by performance.now()) for
 * each event until the stream ends or `onEvent` returns false.
 */
async function readEvents(response, onEvent) {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body) {
    const arrivedAt = performance.now();
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const field = (name) =>
        block
          .split('\n')
          .find((line) => line.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      const type = field('event');
      // Comments (heartbeats) carry no event.
      if (type && onEvent(type, field('data'), arrivedAt) === false) return;
    }
  }
}

/**
 * One request to the gateway. A 503 ("try again shortly": Redis did not answer within the gateway's fail-fast
 * limit, as on a machine loaded by other work) is retried as a client would, and counted; the time runs on.
 */
async function request(url, init, label) {
  for (let refused = 0; ; refused++) {
    const res = await fetch(url, init);
    if (res.status === 503 && refused < RETRIES_503) {
      await res.body?.cancel();
      await sleep(100);
      continue;
    }
    if (!res.ok) throw new Error(`${label} → ${res.status} ${await res.text()}`);
    return { res, refused };
  }
}

/**
 * Submits one analysis and follows its event stream to the last event. Returns the submit time, the arrival times
 * (performance.now()) of each stage.completed and of the last event, each stage's number of calls (from
 * stage.started), the analysis tag and how many of its requests the gateway refused with a 503.
 */
async function followAnalysis(baseUrl, token, body, label) {
  const tag = `[overhead ${label} ${Math.random().toString(36).slice(2, 10)}]`;
  const headers = { authorization: `Bearer ${token}` };
  const submittedAt = performance.now();
  const submitted = await request(
    `${baseUrl}/api/analyze`,
    {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, prompt: `${body.prompt} ${tag}` }),
    },
    'POST /api/analyze',
  );
  const { id } = await submitted.res.json();
  const events = await request(
    `${baseUrl}/api/analyses/${id}/events`,
    { headers: { ...headers, accept: 'text/event-stream' } },
    `GET /api/analyses/${id}/events`,
  );
  const stages = [];
  let end;
  await readEvents(events.res, (type, data, arrivedAt) => {
    if (type === 'stage.started') stages.push({ calls: JSON.parse(data).calls.length });
    if (type === 'stage.completed') stages[stages.length - 1].completed = arrivedAt;
    if (type === 'analysis.failed') throw new Error(`analysis ${id} failed: ${data}`);
    if (type !== 'analysis.completed') return true;
    end = arrivedAt;
    return false;
  });
  if (end === undefined) throw new Error(`the event stream of ${id} ended before analysis.completed`);
  return { id, tag, submittedAt, stages, end, refused: submitted.refused + events.refused };
}

/**
 * The client's view cut into consecutive windows that add up to submit → last event: stage k from the end of the
 * previous one (for the first stage, from the submit, so it includes the start: storing, queueing, the
 * orchestrator's first step) to its stage.completed, then the end: storing the result until analysis.completed.
 * Cutting at stage.completed rather than stage.started keeps the orchestrator's step between two stages inside
 * the next stage, and does not depend on whether the stream was already open when the first stage started.
 */
function clientWindows(run) {
  const cuts = [run.submittedAt, ...run.stages.map((s) => s.completed)];
  return {
    stages: run.stages.map((_, k) => cuts[k + 1] - cuts[k]),
    end: run.end - cuts[cuts.length - 1],
    total: run.end - run.submittedAt,
  };
}

/** A streaming or one-shot call read to its end, as the provider-worker does. */
async function call(sdk, body) {
  const answer = await sdk.chat.completions.create(body);
  if (body.stream) for await (const chunk of answer) void chunk;
}

/**
 * The direct side: Ultra's own requests of one analysis, stage by stage, the calls of one stage in parallel, as
 * many per stage as Ultra's stage.started events announced.
 */
function directClient(fake) {
  const sdk = new OpenAI({ apiKey: DIRECT_KEY, baseURL: `${fake.url}/v1`, maxRetries: 0 });
  return async function replay(bodies, ultraStages) {
    const callsPerStage = ultraStages.map((s) => s.calls);
    const expected = callsPerStage.reduce((sum, n) => sum + n, 0);
    if (bodies.length !== expected) throw new Error(`recorded ${bodies.length} vendor requests, expected ${expected}`);
    const stages = [];
    const started = performance.now();
    let next = 0;
    for (const n of callsPerStage) {
      const stageStarted = performance.now();
      await Promise.all(bodies.slice(next, next + n).map((body) => call(sdk, body)));
      stages.push(performance.now() - stageStarted);
      next += n;
    }
    return { stages, total: performance.now() - started };
  };
}

module.exports = { clientWindows, directClient, followAnalysis, startRecordingVendor };
