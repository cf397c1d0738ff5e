// Concurrency (issue 14, point 4): one provider-worker process holding thousands of model calls open at once
// against the wire-level fake OpenAI vendor, which answers each after a fixed latency. Measured while they are
// open: how many the fake holds at once, the worker's resident memory, and the worker's event-loop lag.
'use strict';
const { existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { FakeOpenAiServer } = require('@ultra/fake-llm');
const { redisOptionsFromUrl } = require('@ultra/platform');
const { Queue } = require('bullmq');
const { startBenchStack } = require('./bench-stack');
const { cpuMs, listenOverflows, openFilesLimit, startSampler, statusMb } = require('./bench-concurrency-watch');
const { notesFor } = require('./bench-concurrency-notes');
const { api, percentile, pool, registerUser, round, sleep, target } = require('./bench-util');

const settings = {
  calls: Number(process.env.BENCH_CONCURRENCY_CALLS ?? 5_000),
  latencyMs: Number(process.env.BENCH_CONCURRENCY_LATENCY_MS ?? 2_000),
  // The highest WORKER_CONCURRENCY allows: the worker's own cap must not be what limits the calls in flight.
  workerConcurrency: Number(process.env.BENCH_CONCURRENCY_WORKER_CONCURRENCY ?? 10_000),
  submitInFlight: Number(process.env.BENCH_CONCURRENCY_SUBMIT_IN_FLIGHT ?? 32),
};
const MODEL = 'openai:gpt-4o-mini';
const SAMPLE_MS = 100;
// The plateau: while at least this share of the most calls open at once are open.
const PLATEAU_SHARE = 0.9;
const PROBE = resolve(__dirname, 'bench-concurrency-probe.js');

/** Polls `check` every 250 ms until it returns true; fails after `seconds`, naming `what`. */
async function until(what, seconds, check) {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s`);
    await sleep(250);
  }
}

/** Submits every analysis through the API with the model tasks held back, so they reach the worker at once. */
async function queueCalls(stack, tasks, log) {
  const token = await registerUser(stack.baseUrl, 'bench-concurrency');
  await tasks.pause();
  const started = performance.now();
  const runId = Date.now().toString(36);
  let retried = 0;
  await pool(settings.calls, settings.submitInFlight, async (i) => {
    // Distinct prompts: the response cache must not answer any call.
    const body = { prompt: `Concurrency probe ${runId}-${i}: what is a queue?`, models: [MODEL], pattern: 'direct' };
    for (let attempt = 1; ; attempt++) {
      try {
        return await api(stack.baseUrl, token, 'POST', '/api/analyze', body);
      } catch (error) {
        // A 503 (Redis slow to answer on a busy machine) asks the client to try again; anything else is a bug.
        if (attempt === 5 || !String(error.message).includes('→ 503')) throw error;
        retried++;
        await sleep(500 * attempt);
      }
    }
  });
  log(`${settings.calls} analyses accepted in ${round((performance.now() - started) / 1000, 1)} s`);
  await until('the orchestrator queueing every model task', 300, async () => {
    const counts = await tasks.getJobCounts('wait', 'paused', 'prioritized');
    return Object.values(counts).reduce((a, b) => a + b, 0) >= settings.calls;
  });
  return { seconds: (performance.now() - started) / 1000, retried };
}

/** Asks the probe for its samples (SIGUSR2) and reads the file it puts in place whole (written, then renamed). */
async function readProbe(pid, file) {
  process.kill(pid, 'SIGUSR2');
  await until('the lag probe writing its samples', 10, () => existsSync(file));
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Lets the worker take every task at once; returns what was measured until the last task was done. */
async function burst(tasks, fake, arrivals, worker, probeFile) {
  const before = { rssMb: statusMb(worker, 'VmRSS'), cpuMs: cpuMs(worker), overflows: listenOverflows() };
  fake.resetInFlight();
  const sampler = startSampler(worker, SAMPLE_MS);
  const resumedAt = Date.now();
  await tasks.resume();
  await until('every model call done', 120 + settings.calls / 50, async () => {
    const counts = await tasks.getJobCounts('completed', 'failed');
    return counts.completed + counts.failed >= settings.calls;
  });
  const rss = sampler.stop();
  const after = { cpuMs: cpuMs(worker), overflows: listenOverflows(), hwmMb: statusMb(worker, 'VmHWM') };
  const probe = await readProbe(worker, probeFile);
  const jobs = (await tasks.getJobs(['completed', 'failed'], 0, -1)).filter(Boolean);
  return { before, after, rss, probe, jobs, resumedAt, peak: fake.maxInFlight, arrivals };
}

/**
 * The plateau from the calls' arrivals at the fake, each open for the fake's latency: the first and last moment
 * at least PLATEAU_SHARE of the most calls open at once were open. Exact where a sampler would not be: the bench
 * process that samples also serves the fake, and is busiest exactly then.
 */
function plateauOf(arrivals) {
  const events = arrivals.flatMap((at) => [
    [at, 1],
    [at + settings.latencyMs, -1],
  ]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  const curve = events.map(([at, step]) => [at, (open += step)]);
  const most = Math.max(...curve.map(([, n]) => n));
  const above = curve.filter(([, n]) => n >= PLATEAU_SHARE * most);
  return { most, from: above[0][0], to: curve[curve.indexOf(above.at(-1)) + 1][0] };
}

/**
 * The worker's lag samples between two wall-clock times: p99 and max (ms), how many there were, and how long (s)
 * the loop was blocked in stretches over 50 ms: a block yields one late tick however long it lasts, so the p99
 * of ticks understates a few long blocks, and their total time shows them.
 */
function lagBetween(probe, from, to) {
  const lags = probe.lag.filter((_, i) => probe.at[i] >= from && probe.at[i] <= to);
  const blocked = round(lags.filter((l) => l > 50).reduce((sum, l) => sum + l, 0) / 1000);
  return lags.length
    ? { p99: round(percentile(lags, 99)), max: round(Math.max(...lags)), samples: lags.length, blocked }
    : { p99: NaN, max: NaN, samples: 0, blocked };
}

/** The largest V8 heap (reserved and used) and memory outside it the probe saw during the burst. */
function heapPeaks(probe, from, to) {
  const during = probe.memory.filter(([at]) => at >= from && at <= to);
  const most = (i) => round(Math.max(...during.map((m) => m[i])), 0);
  return {
    'worker V8 heap reserved (heapTotal), peak (MB)': most(1),
    'worker V8 heap used, peak (MB)': most(2),
    'worker memory outside the heap (external), peak (MB)': most(3),
  };
}

function figures({ before, after, rss, probe, jobs, resumedAt, peak, arrivals }) {
  const since = (at) => round((at - resumedAt) / 1000, 2);
  const { most, from, to } = plateauOf(arrivals);
  const lastDone = Math.max(...jobs.map((j) => j.finishedOn));
  const lag = { plateau: lagBetween(probe, from, to), burst: lagBetween(probe, resumedAt, lastDone) };
  const cpu = after.cpuMs - before.cpuMs;
  const lastSent = Math.max(...arrivals);
  const rows = {
    'calls in flight at the fake vendor, peak': peak,
    'calls received by the fake': arrivals.length,
    // The fake answers late when the bench process (which serves it) is busy; the worker waits for those too.
    [`calls in flight at the peak, had each been answered at exactly ${settings.latencyMs} ms`]: most,
    'worker RSS before the burst (MB)': round(before.rssMb, 0),
    'worker RSS peak, sampled every 100 ms (MB)': round(Math.max(...rss), 0),
    'worker RSS high-water mark, VmHWM (MB)': round(after.hwmMb, 0),
    'worker RSS added per call at the peak (kB)': round(((after.hwmMb - before.rssMb) * 1024) / peak, 0),
    ...heapPeaks(probe, resumedAt, lastDone),
    'plateau: ≥ 90 % of the peak in flight (s)': round((to - from) / 1000, 2),
    'worker event-loop lag p99 on the plateau (ms)': lag.plateau.p99,
    'worker event-loop lag max on the plateau (ms)': lag.plateau.max,
    'worker event-loop lag p99, whole burst (ms)': lag.burst.p99,
    'worker event-loop lag max, whole burst (ms)': lag.burst.max,
    'worker loop blocked in stretches over 50 ms, whole burst (s)': lag.burst.blocked,
    'fake vendor received the first call after (s)': since(Math.min(...arrivals)),
    'fake vendor received the last call after (s)': since(lastSent),
    'calls started per second': round(arrivals.length / Math.max(0.001, (lastSent - resumedAt) / 1000), 0),
    [`worker completed the last task after (s; ideal ${settings.latencyMs / 1000})`]: since(lastDone),
    'calls failed': jobs.filter((j) => j.failedReason || j.returnvalue?.status !== 'completed').length,
    // A loop blocked past WORKER_LOCK_DURATION_MS loses its tasks' locks; BullMQ hands them out again.
    'tasks taken again after their lock expired': jobs.filter((j) => j.stalledCounter > 0).length,
    'worker CPU during the burst (s)': round(cpu / 1000, 1),
    'worker CPU per call (ms)': round(cpu / settings.calls, 2),
    'TCP listen-queue overflows on the host during the burst': after.overflows - before.overflows,
  };
  return { rows, lag };
}

/** The fake OpenAI vendor, answering every call after the latency; `arrivals` holds when each call came in. */
async function startFake() {
  const fake = await new FakeOpenAiServer().listen(0, 4096);
  const arrivals = [];
  fake.reply(() => {
    arrivals.push(Date.now());
    return { latencyMs: settings.latencyMs };
  });
  return { fake, arrivals };
}

async function run({ log }) {
  const { fake, arrivals } = await startFake();
  const probeDir = mkdtempSync(join(tmpdir(), 'ultra-bench-concurrency-'));
  const probeFile = join(probeDir, 'lag.json');
  let stack;
  try {
    stack = await startBenchStack({
      workers: 1,
      env: { OPENAI_API_KEY: 'sk-bench-openai', OPENAI_BASE_URL: `${fake.url}/v1` },
      log,
      serviceEnv: {
        'provider-worker': {
          WORKER_CONCURRENCY: String(settings.workerConcurrency),
          BENCH_CONCURRENCY_PROBE_FILE: probeFile,
        },
      },
      nodeArgs: { 'provider-worker': ['--require', PROBE] },
    });
    const worker = stack.services.find((s) => s.name === 'provider-worker').pid;
    const tasks = new Queue('model-tasks', { connection: redisOptionsFromUrl(stack.redisUrl), prefix: stack.prefix });
    try {
      const submitted = await queueCalls(stack, tasks, log);
      log(`${settings.calls} model tasks queued; resuming the queue`);
      const { rows, lag } = figures(await burst(tasks, fake, arrivals, worker, probeFile));
      rows['submitting every analysis and queueing its task (s)'] = round(submitted.seconds, 1);
      rows['submissions retried after a 503'] = submitted.retried;
      return report(stack, rows, lag, openFilesLimit(worker));
    } finally {
      await tasks.close();
    }
  } finally {
    await stack?.stop();
    await fake.close();
    rmSync(probeDir, { recursive: true, force: true });
  }
}

function report(stack, rows, lag, openFiles) {
  return {
    settings:
      `${stack.engine} · 1 provider-worker, WORKER_CONCURRENCY=${settings.workerConcurrency} · ` +
      `${settings.calls} \`direct\` analyses of ${MODEL} (one streamed call each) · the fake OpenAI vendor ` +
      `answers after ${settings.latencyMs} ms · analyses submitted ${settings.submitInFlight} at a time`,
    intro: [
      'Every analysis is submitted through the API while the model-tasks queue is paused, so the worker meets all',
      `${settings.calls} calls as one burst when the queue is resumed: the gateway takes far longer than one`,
      `${settings.latencyMs / 1000} s latency to accept ${settings.calls} analyses (see the submitting row). The`,
      'fake counts the requests open in its handler (the peak) and stamps each arrival; RSS comes from',
      '/proc/<pid>/status; the lag from a 10 ms timer preloaded into the worker',
      '(`scripts/lib/bench-concurrency-probe.js`), cut afterwards to the plateau: the time at least 90 % of the most',
      'calls open at once were open, from the arrivals and the fixed latency. Times count from the resume.',
    ],
    rows,
    targets: [
      target('calls in flight in one worker', rows['calls in flight at the fake vendor, peak'], 5_000, {
        unit: 'calls',
        atLeast: true,
      }),
      target('worker peak RSS (VmHWM)', rows['worker RSS high-water mark, VmHWM (MB)'], 512, { unit: 'MB' }),
      target('worker event-loop lag p99 on the plateau', lag.plateau.p99, 50),
    ],
    notes: notesFor({ rows, lag, openFiles, settings }),
  };
}

module.exports = { id: 'concurrency', title: 'Concurrency: calls one provider-worker holds at once', run };
