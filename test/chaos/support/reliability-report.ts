import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ScenarioFigures } from './figures';

const DOC = resolve(__dirname, '../../../docs/reliability.md');
const ORDER = ['worker-kill', 'stack-crash', 'redis-restart', 'postgres-stop', 'vendor-faults'];
const DATA = /<!-- chaos-figures (.*?) -->/s;

const METHOD = `# Reliability

What the chaos suite (\`npm run test:chaos\`, test/chaos) does to a running Ultra, and what came out of the last run.
The figures below are written by the suite itself at the end of each scenario; a scenario run alone updates only
its own row.

## Method

Every scenario runs the real services from their build (\`services/*/dist\`) as separate processes, on loopback only:

- **Redis**: a \`redis-server\` of the scenario's own on a free port, with AOF (\`appendfsync always\`,
  \`noeviction\`) in a temporary directory, killed afterwards; it can be restarted mid-run on the same data.
- **Postgres**: a database created for the scenario on the Postgres at 127.0.0.1:5432, or, where the scenario stops
  Postgres, the embedded PGlite server that \`npm start\` runs (\`scripts/embedded-postgres.js\`, own port and data
  directory) so that it can be stopped and started.
- **Models**: the provider SDKs (OpenAI, Anthropic, Gemini, Mistral) against the wire-level fakes of
  \`tools/fake-llm\`, each answering after 300 ms plus streamed chunks. Each analysis asks three of the four models
  (a different vendor left out in turn) with the \`critique\` pattern (initial, meta, hyper, ultra: 10 calls).
- **Load**: 100 analyses, submitted as a client would: an \`Idempotency-Key\` per analysis; a 503, no answer or 409
  \`idempotency_in_progress\` is retried with the same key; a 400 for a model behind an open breaker (the preflight)
  is counted apart; any other answer counts as refused, which breaks the run.
- **Fault injection** (\`tools/fake-llm/src/faults.ts\`, also \`FAKE_FAULT_RATE\` for \`npm run fake-llm\`): a
  seeded fraction of calls fails, drawn uniformly from 429 with \`retry-after\`, 500, 503, no answer (the call
  times out), a stream cut mid-answer, and a stream with an event that is not JSON, each in the vendor's format.
- Short timings, so faults resolve in seconds: \`MODEL_CALL_TIMEOUT_MS=2000\`, \`MODEL_CALL_BACKOFF_MS=200\`, worker and
  orchestrator locks of 2 s, \`BREAKER_COOLDOWN_MS=3000\`, \`BREAKER_WINDOW_MS=10000\`.

After the load, the suite waits for every accepted analysis to end (bounded), then checks the store directly:

- **lost**: an accepted id with no row; **left running**: any row still \`queued\` or \`running\`;
- **duplicates**: the same model's output for the same stage and round stored more than once (outputs joined to
  their stage runs, so a stage re-run under another index counts too);
- **completed / failed**: without vendor faults every analysis must complete; with them, an analysis may fail only
  with an every-model-failed code whose message names each failed model of its last stage with its category;
- **failures per model**: every failed output's category must be one a vendor fault maps to (\`rate_limit\`,
  \`provider_unavailable\`, \`timeout\`, \`circuit_open\`); none \`internal\`, \`worker_lost\` or uncategorised;
- **breakers**: transitions read from the breaker events channel and the breaker hashes
  (\`libs/contracts/src/resilience/breakers.ts\`); with vendor faults, breakers must open and close again;
  without, none may open.

**Drain** is the time from the fault (or the last submission) until every accepted analysis had ended. **Retries**
are the model calls a provider-worker retried (its \`model call failed\` log lines with \`willRetry\`).
`;

function load(): Record<string, ScenarioFigures> {
  if (!existsSync(DOC)) return {};
  const match = DATA.exec(readFileSync(DOC, 'utf8'));
  if (!match) return {};
  try {
    return JSON.parse(match[1]) as Record<string, ScenarioFigures>;
  } catch {
    return {};
  }
}

const cell = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || '—';

function summaryRow(f: ScenarioFigures): string {
  const t = f.breakers.transitions;
  const breakers = `${t.open ?? 0} / ${t.half_open ?? 0} / ${t.closed ?? 0}`;
  const drain = f.drainS === null ? 'never' : `${f.drainS.toFixed(1)} s`;
  const result = f.violations.length ? `**${f.violations.length} broken**` : 'pass';
  return `| ${f.title} | ${f.analyses} | ${f.completed} | ${f.failed} | ${f.lost} | ${f.leftRunning} | ${f.duplicates} | ${drain} | ${breakers} | ${f.retries} | ${result} |`;
}

function details(f: ScenarioFigures): string {
  const lines = [
    `### ${f.title}`,
    '',
    `${f.fault} Run ${f.ranAt}; ${f.analyses} analyses (${f.pattern}, ${f.modelsPerAnalysis} models each),`,
    `${f.vendorRequests} vendor requests; submissions: ${f.submit503} retried after a 503, no answer or \`idempotency_in_progress\`, ` +
      `${f.preflightRefused ?? 0} refused by the preflight (open breaker, no fallback), ${f.refused} refused otherwise.`,
    '',
    `- failed analyses by code: ${cell(f.failedByCode)}`,
    `- retries by category: ${cell(f.retriesByCategory)}`,
    `- breakers opened: ${f.breakers.opened.join(', ') || 'none'}; closed again: ${f.breakers.reclosed.join(', ') || 'none'}; at the end: ${cell(countValues(f.breakers.final))}`,
  ];
  const failed = Object.entries(f.failedOutputs);
  lines.push(
    `- failed outputs per model: ${failed.length ? failed.map(([m, c]) => `${m} (${cell(c)})`).join('; ') : 'none'}`,
  );
  if (f.faultsInjected) {
    lines.push(
      `- faults injected per vendor: ${Object.entries(f.faultsInjected)
        .map(([v, c]) => `${v} (${cell(c)})`)
        .join('; ')}`,
    );
  }
  for (const v of f.violations) lines.push(`- **broken**: ${v}`);
  return lines.join('\n');
}

function countValues(record: Record<string, string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of Object.values(record)) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

/** Adds (or replaces) one scenario's figures and writes docs/reliability.md again from all of them. */
export function recordScenario(figures: ScenarioFigures): void {
  const all = { ...load(), [figures.id]: figures };
  const ordered = Object.values(all).sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));
  const doc = [
    METHOD,
    '## Figures of the last run',
    '',
    'Breakers: transitions to open / half-open / closed.',
    '',
    '| scenario | analyses | completed | failed | lost | left running | duplicates | drain | breakers | retries | invariants |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...ordered.map(summaryRow),
    '',
    ...ordered.flatMap((f) => [details(f), '']),
    `<!-- chaos-figures ${JSON.stringify(all)} -->`,
    '',
  ].join('\n');
  writeFileSync(DOC, doc);
}
