import type { AnalysisView } from '@ultra/contracts';
import { useId } from 'react';

interface ModelUsage {
  model: string;
  calls: number;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Per model over every stage: calls, time spent answering, tokens and cost. Reused outputs cost nothing. */
export function usageByModel(analysis: AnalysisView): ModelUsage[] {
  const rows = new Map<string, ModelUsage>();
  for (const output of analysis.stages.flatMap((s) => s.outputs)) {
    const row = rows.get(output.model) ?? {
      model: output.model,
      calls: 0,
      latencyMs: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
    };
    if (!output.reused && !output.cached) row.calls++;
    row.latencyMs += output.reused ? 0 : output.latencyMs;
    row.inputTokens += output.usage.inputTokens;
    row.outputTokens += output.usage.outputTokens;
    row.costUsd += output.usage.costUsd ?? 0;
    rows.set(output.model, row);
  }
  return [...rows.values()];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const usd = (value: number) => `$${value.toFixed(4)}`;

export function UsageTable({ analysis }: { analysis: AnalysisView }) {
  const headingId = useId();
  const rows = usageByModel(analysis);
  const wallMs = analysis.completedAt ? Date.parse(analysis.completedAt) - Date.parse(analysis.createdAt) : null;
  return (
    <section className="result-section" aria-labelledby={headingId}>
      <h2 id={headingId}>Usage</h2>
      {wallMs !== null && wallMs >= 0 && <p>Total time: {seconds(wallMs)} from request to result.</p>}
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">Latency, tokens and cost per model</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Calls</th>
              <th scope="col">Latency (sum)</th>
              <th scope="col">Input tokens</th>
              <th scope="col">Output tokens</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.model}>
                <th scope="row">{row.model}</th>
                <td>{row.calls}</td>
                <td>{seconds(row.latencyMs)}</td>
                <td>{row.inputTokens}</td>
                <td>{row.outputTokens}</td>
                <td>{usd(row.costUsd)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td>{rows.reduce((sum, r) => sum + r.calls, 0)}</td>
              <td>{seconds(rows.reduce((sum, r) => sum + r.latencyMs, 0))}</td>
              <td>{analysis.usage.inputTokens}</td>
              <td>{analysis.usage.outputTokens}</td>
              <td>{usd(analysis.usage.costUsd ?? 0)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
