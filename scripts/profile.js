// `npm run profile [-- --analyses=400 --in-flight=50 --pattern=critique] [--workload=accept]`: runs the bench stack
// with every service under V8's sampling profiler (--cpu-prof), loads it with analyses over instant mock models
// (`accept`: only POST /api/analyze, with no orchestrator taking the analyses: the gateway's accept path), and
// prints where each service spends its CPU: the heaviest functions by self time and the share of each package. The .cpuprofile files
// stay in the printed folder; open them in Chrome DevTools (Performance → Load profile) for the call trees.
'use strict';
const { mkdtempSync, readdirSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');
const { startBenchStack } = require('./lib/bench-stack');
const { api, pool, registerUser, round, sleep } = require('./lib/bench-util');

const SERVICES = ['gateway', 'orchestrator', 'provider-worker', 'results'];
const root = resolve(__dirname, '..');
const log = (message) => process.stdout.write(`[profile] ${message}\n`);

/** Where a profile node's code lives: a package of node_modules, one of ours, or Node itself. */
function ownerOf(url) {
  if (!url) return '(native/gc/idle)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) return 'node';
  const ours = /\/(services|libs)\/([^/]+)\//.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url.replace(root, '');
}

function summarise(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const selfUs = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (dt[i] ?? 0)));
  const byFunction = new Map();
  const byOwner = new Map();
  let busy = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    busy += us;
    const name = `${functionName || '(anonymous)'} ${url.replace(root, '')}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const owner = functionName === '(garbage collector)' ? '(garbage collector)' : ownerOf(url);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
  }
  const top = (map, n) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({
        name: name.slice(0, 110),
        ms: round(us / 1000, 0),
        share: `${round((100 * us) / busy, 1)}%`,
      }));
  return { busyMs: round(busy / 1000, 0), owners: top(byOwner, 12), functions: top(byFunction, 15) };
}

async function main() {
  const { values } = parseArgs({
    options: {
      analyses: { type: 'string', default: '400' },
      'in-flight': { type: 'string', default: '50' },
      pattern: { type: 'string', default: 'critique' },
      workload: { type: 'string', default: 'analyses' },
    },
  });
  const acceptOnly = values.workload === 'accept';
  if (!acceptOnly && values.workload !== 'analyses') throw new Error('--workload is analyses or accept');
  const dir = mkdtempSync(join(tmpdir(), 'ultra-profile-'));
  const nodeArgs = Object.fromEntries(SERVICES.map((s) => [s, ['--cpu-prof', `--cpu-prof-dir=${join(dir, s)}`]]));
  const stack = await startBenchStack({
    workers: acceptOnly ? 0 : 1,
    env: { MOCK_LATENCY_MS: '0' },
    log,
    nodeArgs,
    without: acceptOnly ? ['orchestrator'] : [],
  });
  let analyses = 0;
  try {
    const token = await registerUser(stack.baseUrl, 'profile');
    const body = (i) => ({
      prompt: `profile ${i}`,
      models: ['mock:alpha', 'mock:beta', 'mock:gamma'],
      pattern: values.pattern,
    });
    log(`${values.analyses} ${values.pattern} analyses, ${values['in-flight']} in flight`);
    await pool(Number(values.analyses), Number(values['in-flight']), async (i) => {
      const { id } = await api(stack.baseUrl, token, 'POST', '/api/analyze', body(i));
      for (; !acceptOnly;) {
        const view = await api(stack.baseUrl, token, 'GET', `/api/analyses/${id}`);
        if (view.status === 'completed' || view.status === 'failed') break;
        await sleep(100);
      }
      analyses++;
    });
  } finally {
    // The profiles are written when the services exit after SIGTERM.
    await stack.stop();
  }
  for (const service of SERVICES) {
    if (acceptOnly && service !== 'gateway' && service !== 'results') continue;
    const files = readdirSync(join(dir, service)).filter((f) => f.endsWith('.cpuprofile'));
    for (const file of files) {
      const s = summarise(join(dir, service, file));
      log(`${service}: ${s.busyMs} ms busy, ${round(s.busyMs / analyses, 2)} ms per analysis`);
      console.table(s.owners);
      console.table(s.functions);
    }
  }
  log(`profiles: ${dir}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
