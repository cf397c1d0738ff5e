import type { AnalysisEstimate, AnalyzeRequest } from '@ultra/contracts';
import { useId } from 'react';
import { ErrorMessage } from '../../components/ui';
import { formatCount, formatDuration, formatRange, formatUsd } from './format';
import { useEstimate } from './use-estimate';

function Figures({ estimate, names }: { estimate: AnalysisEstimate; names: ReadonlyMap<string, string> }) {
  const { total } = estimate;
  return (
    <>
      <dl className="estimate-figures">
        <dt>Model calls</dt>
        <dd>{formatCount(estimate.calls)}</dd>
        <dt>Input tokens</dt>
        <dd>{formatRange(total.inputTokens)}</dd>
        <dt>Output tokens</dt>
        <dd>{formatRange(total.outputTokens)}</dd>
        <dt>Cost</dt>
        <dd>{formatRange(total.costUsd, formatUsd)}</dd>
        <dt>Expected duration</dt>
        <dd>{formatDuration(estimate.expectedDurationS)}</dd>
      </dl>
      {estimate.models.length > 0 && (
        <div className="table-scroll">
          <table className="estimate-models">
            <caption className="visually-hidden">Estimate per model</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Calls</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              {estimate.models.map((m) => (
                <tr key={m.model}>
                  <th scope="row">{names.get(m.model) ?? m.model}</th>
                  <td>{formatCount(m.calls)}</td>
                  <td>{formatRange(m.costUsd, formatUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {estimate.assumptions.length > 0 && (
        <details className="estimate-assumptions">
          <summary>How this is estimated</summary>
          <ul>
            {estimate.assumptions.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

/** What the analysis would cost and take before it runs, refreshed as the request changes. */
export function EstimatePanel({
  body,
  modelNames = new Map(),
  delayMs,
}: {
  body: AnalyzeRequest | null;
  /** Display names by model id, for the per-model table. */
  modelNames?: ReadonlyMap<string, string>;
  delayMs?: number;
}) {
  const id = useId();
  const { estimate, error, pending } = useEstimate(body, delayMs);
  return (
    <section className="estimate-panel card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Estimate</h2>
      <div aria-live="polite" aria-busy={pending}>
        {body === null ? (
          <p className="hint">Enter a prompt and choose a model to see what the analysis would cost.</p>
        ) : (
          <>
            {pending && <p className="hint">Updating…</p>}
            {error ? <ErrorMessage error={error} /> : estimate && <Figures estimate={estimate} names={modelNames} />}
          </>
        )}
      </div>
    </section>
  );
}
