// `npm run bench [-- --only=overhead,gateway]`: measures what Ultra adds on top of the models' own latency and how
// much it carries at once, section by section (scripts/lib/bench-<section>.js), against the real stack, the
// wire-level fake vendors and, where a peer does the same job, the peer in the same run. Each section writes its
// figures, settings and machine into docs/benchmarks.json; docs/benchmarks.md is rendered from that file, so a
// partial run (--only) replaces its own sections and keeps the others with their own dates.
'use strict';
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { parseArgs } = require('node:util');
const { machine } = require('./lib/bench-util');
const { renderReport } = require('./lib/bench-report');

// In the order of issue 14's list; each module exports { id, title, run({ log }) }.
const SECTIONS = ['overhead', 'throughput', 'gateway', 'concurrency', 'push', 'compat', 'council'];
// BENCH_OUT_DIR: somewhere else than docs/, e.g. while trying a section out.
const OUT_DIR = process.env.BENCH_OUT_DIR || resolve(__dirname, '..', 'docs');
const JSON_PATH = resolve(OUT_DIR, 'benchmarks.json');
const MD_PATH = resolve(OUT_DIR, 'benchmarks.md');

const log = (message) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

async function main() {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const wanted = values.only ? values.only.split(',').map((s) => s.trim()) : SECTIONS;
  const unknown = wanted.filter((id) => !SECTIONS.includes(id));
  if (unknown.length) throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`);
  const saved = existsSync(JSON_PATH) ? JSON.parse(readFileSync(JSON_PATH, 'utf8')) : { sections: {} };
  let failed = false;
  for (const id of wanted) {
    const section = require(`./lib/bench-${id}`);
    log(`section ${id}: ${section.title}`);
    const ranAt = new Date().toISOString();
    const host = machine();
    const started = performance.now();
    try {
      const result = await section.run({ log: (m) => log(`${id}: ${m}`) });
      const seconds = Math.round((performance.now() - started) / 1000);
      saved.sections[id] = { id, title: section.title, ranAt, machine: host, seconds, ...result };
      console.table(result.rows);
    } catch (error) {
      failed = true;
      console.error(`section ${id} failed:`, error);
      saved.sections[id] = { id, title: section.title, ranAt, machine: host, failed: String(error?.stack ?? error) };
    }
    // Written after every section: a later failure keeps what was measured.
    writeFileSync(JSON_PATH, `${JSON.stringify(saved, null, 2)}\n`);
    writeFileSync(MD_PATH, renderReport(saved, SECTIONS));
  }
  log(`wrote ${MD_PATH} and ${JSON_PATH}`);
  if (failed) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
