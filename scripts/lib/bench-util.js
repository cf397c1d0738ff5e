// What every benchmark section shares: statistics, the API client, the report's tables and the machine line.
'use strict';
const os = require('node:os');

const round = (n, digits = 2) => Number(n.toFixed(digits));
const mean = (values) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);

/** Nearest-rank percentile of a list of numbers (the list is not changed). */
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** p50, p95 and p99 rounded, keyed for a table: `${label} p50 (ms)` and so on. */
function percentiles(label, values, unit = 'ms') {
  return Object.fromEntries([50, 95, 99].map((p) => [`${label} p${p} (${unit})`, round(percentile(values, p))]));
}

/** One JSON request to Ultra's API; throws with the status and body on an error answer. */
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

/** Registers a fresh user; returns its access token. */
async function registerUser(baseUrl, label = 'bench') {
  const { accessToken } = await api(baseUrl, null, 'POST', '/api/auth/register', {
    email: `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`,
    password: 'benchmark password',
  });
  return accessToken;
}

/** Runs `count` jobs with at most `inFlight` at once; resolves with their results in order of completion. */
async function pool(count, inFlight, job) {
  let next = 0;
  const results = [];
  await Promise.all(
    Array.from({ length: Math.min(count, inFlight) }, async () => {
      while (next < count) results.push(await job(next++));
    }),
  );
  return results;
}

const table = (rows) => [
  '| measure | value |',
  '| --- | --- |',
  ...Object.entries(rows).map(([k, v]) => `| ${k} | ${v} |`),
];

/** A target's verdict: `{ name, value, target, unit, met }` where lower (or, with atLeast, higher) is better. */
function target(name, value, limit, { unit = 'ms', atLeast = false } = {}) {
  const met = atLeast ? value >= limit : value <= limit;
  return { name, value, target: `${atLeast ? '≥' : '≤'} ${limit} ${unit}`, unit, met };
}

function machine() {
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown cpu',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAtStart: round(os.loadavg()[0], 1),
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = { api, machine, mean, percentile, percentiles, pool, registerUser, round, sleep, table, target };
