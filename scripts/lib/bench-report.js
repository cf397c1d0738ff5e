// docs/benchmarks.md, rendered from docs/benchmarks.json: a summary of every target, then each section with its
// machine, date, settings, figures and notes.
'use strict';
const { table } = require('./bench-util');

const hostLine = (m) =>
  `${m.cores} cores (${m.cpu}) · ${m.memoryGiB} GiB · Node ${m.node} · 1-minute load average at the start: ${m.loadAtStart}`;

function summary(saved, order) {
  const lines = ['| section | target | measured | met |', '| --- | --- | --- | --- |'];
  for (const id of order) {
    const section = saved.sections[id];
    if (!section) continue;
    if (section.failed) lines.push(`| ${id} | — | the section failed | **no** |`);
    for (const t of section.targets ?? []) {
      lines.push(`| ${id} | ${t.name} ${t.target} | ${t.value} ${t.unit} | ${t.met ? 'yes' : '**no**'} |`);
    }
  }
  return lines;
}

function sectionLines(section) {
  const lines = [`## ${section.title}`, ''];
  lines.push(
    `Run ${section.ranAt}${section.seconds ? ` (${section.seconds} s)` : ''} · ${hostLine(section.machine)}`,
    '',
  );
  if (section.failed) return [...lines, 'This section failed:', '', '```', section.failed, '```', ''];
  if (section.intro?.length) lines.push(...section.intro, '');
  if (section.settings) lines.push(`Settings: ${section.settings}`, '');
  // A section with prose of its own around its tables gives its whole body.
  if (section.body) lines.push(...section.body, '');
  else lines.push(...table(section.rows), '');
  for (const [title, rows] of Object.entries(section.tables ?? {})) lines.push(`### ${title}`, '', ...table(rows), '');
  if (section.targets?.length) {
    lines.push(
      ...section.targets.map((t) => `- ${t.name} ${t.target}: ${t.met ? 'met' : '**not met**'} (${t.value} ${t.unit})`),
      '',
    );
  }
  if (section.notes?.length) lines.push(...section.notes, '');
  return lines;
}

function renderReport(saved, order) {
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (scripts/bench.js; `npm run bench -- --only=<section>,…` reruns some sections and',
    'keeps the others). Every figure comes from the real stack — gateway, orchestrator, provider-workers and results',
    'as separate processes on Redis and Postgres — with the wire-level fake vendors of tools/fake-llm; a peer’s figure',
    'comes from the same run on the same machine. Each section states its machine, date and settings; these machines',
    'differ in speed by 2× or more, so compare figures of one run only. The figures are also in `docs/benchmarks.json`.',
    'Where the time goes, what was changed for it, and what is left: [performance.md](performance.md).',
    '',
    '## Targets',
    '',
    ...summary(saved, order),
    '',
  ];
  for (const id of order) if (saved.sections[id]) lines.push(...sectionLines(saved.sections[id]));
  return `${lines.join('\n').trimEnd()}\n`;
}

module.exports = { renderReport };
