// `npm run bench`: measures what Ultra adds on top of the models' own latency, and how much it carries at once,
// then writes docs/benchmarks.md. The mock models answer instantly (MOCK_LATENCY_MS=0), so every millisecond
// measured is Ultra's: queues, orchestration, storage.
'use strict';
const { writeFileSync } = require('node:fs');
const os = require('node:os');
const { resolve } = require('node:path');
const { startBenchStack } = require('./lib/bench-stack');

const log = (message) => process.stdout.write(`[bench] ${message}\n`);
const MODELS = ['mock:alpha', 'mock:beta', 'mock:gamma'];
const STAGES = 4;
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 100);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 400);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 50);

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const round = (n, digits = 2) => Number(n.toFixed(digits));

async function api(baseUrl, token, method, path, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Submits one analysis and waits for it; returns the pipeline time recorded by the store (created → completed). */
async function runOne(baseUrl, token, prompt) {
  const accepted = await api(baseUrl, token, 'POST', '/api/analyze', { prompt, models: MODELS });
  for (;;) {
    const view = await api(baseUrl, token, 'GET', `/api/analyses/${accepted.id}`);
    if (view.status === 'failed') throw new Error(`analysis failed: ${JSON.stringify(view.error)}`);
    if (view.status === 'completed') return Date.parse(view.completedAt) - Date.parse(view.createdAt);
    // Slow polling keeps the measuring from loading the machine; the timings come from the store, not from here.
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main() {
  const stack = await startBenchStack({ workers: 2, env: { MOCK_LATENCY_MS: '0' }, log });
  try {
    const { accessToken } = await api(stack.baseUrl, null, 'POST', '/api/auth/register', {
      email: `bench-${Date.now()}@example.com`,
      password: 'benchmark password',
    });
    for (let i = 0; i < 10; i++) await runOne(stack.baseUrl, accessToken, `warm-up ${i}`);

    log(`sequential: ${SEQUENTIAL} analyses, one at a time`);
    const pipeline = [];
    for (let i = 0; i < SEQUENTIAL; i++) pipeline.push(await runOne(stack.baseUrl, accessToken, `sequential ${i}`));
    const perStage = pipeline.map((ms) => ms / STAGES);

    log(`concurrent: ${CONCURRENT} analyses, ${IN_FLIGHT} in flight`);
    const started = performance.now();
    let next = 0;
    const concurrent = [];
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < CONCURRENT) {
          const i = next++;
          concurrent.push(await runOne(stack.baseUrl, accessToken, `concurrent ${i}`));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const calls = CONCURRENT * (MODELS.length * 3 + 1);

    const rows = {
      'per-stage overhead p50 (ms)': round(percentile(perStage, 50)),
      'per-stage overhead p95 (ms)': round(percentile(perStage, 95)),
      'whole analysis p50, 4 stages (ms)': round(percentile(pipeline, 50)),
      'whole analysis p95, 4 stages (ms)': round(percentile(pipeline, 95)),
      [`throughput, ${IN_FLIGHT} in flight (analyses/s)`]: round(CONCURRENT / seconds, 1),
      [`throughput, ${IN_FLIGHT} in flight (model calls/s)`]: round(calls / seconds, 0),
      [`whole analysis p95 under load (ms)`]: round(percentile(concurrent, 95)),
    };
    writeReport(rows, stack.engine);
    console.table(rows);
  } finally {
    await stack.stop();
  }
}

function writeReport(rows, engine) {
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (scripts/bench.js). The mock models answer instantly (`MOCK_LATENCY_MS=0`), so every',
    'millisecond below is Ultra’s own: gateway → orchestrator → provider-workers → results over BullMQ, and the',
    'Postgres writes. Pipeline time is taken from the store’s `createdAt` → `completedAt`; per-stage overhead is that',
    'divided by the four stages of the `confidence` pattern (3 models; 10 model calls per analysis).',
    '',
    `Target (issue 2): at most 5 ms per stage above the providers’ own latency.`,
    '',
    `Last run: ${new Date().toISOString()} · ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}) · ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version} · ${engine} · 2 provider-workers · ` +
      `${SEQUENTIAL} sequential and ${CONCURRENT} concurrent analyses`,
    '',
    '| measure | value |',
    '| --- | --- |',
    ...Object.entries(rows).map(([k, v]) => `| ${k} | ${v} |`),
    '',
  ];
  writeFileSync(resolve(__dirname, '..', 'docs', 'benchmarks.md'), lines.join('\n'));
  log('wrote docs/benchmarks.md');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
