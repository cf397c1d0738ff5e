// The peer of the compatible API's section (issue 14, point 6): Portkey's open-source AI gateway
// (@portkey-ai/gateway), installed at bench time into a folder of its own, started as a separate Node process and
// pointed at the same fake OpenAI vendor; and the autocannon runs that measure req/s of direct, Portkey and Ultra.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const net = require('node:net');
const { tmpdir } = require('node:os');
const { resolve } = require('node:path');
const autocannon = require('autocannon');
const { cpuPerCall, cpuSnapshot } = require('./bench-cpu');
const { round } = require('./bench-util');

const PORTKEY_VERSION = '1.15.2';
// The npm package ships without its lockfile, so a fresh install takes the newest hono packages its ranges allow.
// @hono/node-server ≥ 1.14.2 hands Portkey the fetched (immutable) headers of the vendor's streamed response, and
// Portkey's streaming then fails with "TypeError: immutable" (500 on every streamed call). These are the versions
// Portkey's own package-lock.json pins at v1.15.2, with which streaming works.
const PINNED = { hono: '4.9.7', '@hono/node-server': '1.13.5', '@hono/node-ws': '1.2.0' };
const MANIFEST = `${JSON.stringify(
  { private: true, dependencies: { '@portkey-ai/gateway': PORTKEY_VERSION }, overrides: PINNED },
  null,
  2,
)}\n`;

function freePort() {
  return new Promise((done, fail) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

/** Installs Portkey once per version and pins under the OS temp folder; returns the path of its Node entry point. */
function installPortkey(log) {
  const dir = resolve(tmpdir(), `ultra-bench-portkey-${PORTKEY_VERSION}`);
  const entry = resolve(dir, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
  const manifest = resolve(dir, 'package.json');
  if (existsSync(entry) && existsSync(manifest) && readFileSync(manifest, 'utf8') === MANIFEST) return entry;
  log(`installing @portkey-ai/gateway@${PORTKEY_VERSION} into ${dir}`);
  // Installed beside the final folder and renamed into place: an interrupted install is never taken for a cache.
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(resolve(partial, 'package.json'), MANIFEST);
  // --ignore-scripts: the package's only script, patch-package, has no patches to apply outside Portkey's repo.
  const npm = spawnSync('npm', ['install', '--prefix', partial, '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: tmpdir(),
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (npm.status !== 0) throw new Error(`npm install of Portkey failed (${npm.status}): ${npm.stderr ?? npm.error}`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return entry;
}

/**
 * Starts Portkey on a free port, headless (no log UI), on this Node; `headers` make a request go to the fake
 * vendor as an OpenAI provider with a custom host (Portkey trusts localhost hosts by default).
 */
async function startPortkey({ vendorUrl, log }) {
  const entry = installPortkey(log);
  const port = await freePort();
  const child = spawn(process.execPath, [entry, `--port=${port}`, '--headless'], {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = `${stderr}${chunk}`.slice(-4_000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', done);
      child.kill('SIGTERM');
    });
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`Portkey exited with ${child.exitCode}: ${stderr}`);
      if (i === 300) throw new Error(`Portkey did not answer on ${url} within 30 s: ${stderr}`);
      const answered = await fetch(url).then(
        (res) => res.ok,
        () => false,
      );
      if (answered) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  log(`Portkey ${PORTKEY_VERSION} on ${url} (pid ${child.pid})`);
  return {
    url,
    pid: child.pid,
    headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${vendorUrl}/v1` },
    stop,
  };
}

/** CPU time (ms) used so far by one process, from /proc (Linux). */
function cpuMsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * One autocannon run of non-streaming POST /v1/chat/completions; `[<id>]` in the prompt makes each request's
 * messages distinct, so Ultra's response cache never answers. In a worker thread of its own, so the load generator
 * does not share the event loop of the fake vendor, which runs in the bench process.
 */
async function loadTest({ url, apiKey, headers, model }, { connections, seconds }) {
  const result = await autocannon({
    url: `${url}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'compat load [<id>]' }] }),
    idReplacement: true,
    connections,
    duration: seconds,
    workers: 1,
  });
  return {
    completed: result['2xx'],
    seconds: result.duration,
    figures: {
      'req/s': round(result['2xx'] / result.duration, 1),
      'p50 (ms)': result.latency.p50,
      'p99 (ms)': result.latency.p99,
      'failed or timed out': result.errors + result.timeouts + result.non2xx,
    },
  };
}

/**
 * req/s of each side in turn (direct, Portkey, then Ultra, whose unfinished analyses would otherwise overlap the
 * next run), with the CPU each request costs: the whole machine's, Portkey's process and Ultra's services.
 */
async function loadAll(sides, portkeyPid, settings) {
  const figures = {};
  let cpu;
  for (const side of ['direct', 'portkey', 'ultra']) {
    const [before, portkeyBefore] = [cpuSnapshot(), cpuMsOf(portkeyPid)];
    const { completed, seconds, figures: run } = await loadTest(sides[side], settings);
    const after = cpuSnapshot();
    if (!completed) throw new Error(`${side}: no request succeeded under load (${JSON.stringify(run)})`);
    run['CPU per request, whole machine (ms)'] = round((after.busy - before.busy) / completed);
    if (side === 'portkey')
      run['CPU per request, Portkey process (ms)'] = round((cpuMsOf(portkeyPid) - portkeyBefore) / completed);
    if (side === 'ultra') cpu = cpuPerCall(before, after, completed, seconds);
    figures[side] = run;
  }
  return { figures, cpu };
}

module.exports = { PORTKEY_VERSION, PINNED, loadAll, startPortkey };
