import type { OutputView } from '@ultra/contracts';
import { Markdown } from './markdown';

const formatMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);

/** One model's output in a stage: its answer (or JSON, or failure), with how it was obtained. */
export function OutputCard({ output }: { output: OutputView }) {
  const title = output.sample > 0 ? `${output.model} (sample ${output.sample + 1})` : output.model;
  return (
    <article className="output-card" aria-label={title}>
      <header className="output-header">
        <h3>{title}</h3>
        <ul className="badges" aria-label="Output details">
          <li className={`badge ${output.status === 'completed' ? 'badge-ok' : 'badge-error'}`}>{output.status}</li>
          {output.reused && <li className="badge">reused</li>}
          {output.cached && <li className="badge">cached</li>}
          {output.answeredBy && <li className="badge badge-warn">answered by {output.answeredBy}</li>}
        </ul>
      </header>
      {output.fallbackReason && <p className="hint">Fallback: {output.fallbackReason}</p>}
      {output.error && (
        <p className="status-error">
          Failed ({output.error.category}): {output.error.message}
        </p>
      )}
      {output.data ? (
        <pre className="output-data">{JSON.stringify(output.data, null, 2)}</pre>
      ) : (
        output.text !== null && <Markdown text={output.text} />
      )}
      {output.dataError && <p className="status-warn">Could not read its JSON: {output.dataError}</p>}
      <p className="hint output-meta">
        {formatMs(output.latencyMs)} · {output.usage.inputTokens} in / {output.usage.outputTokens} out
        {output.usage.costUsd !== undefined && ` · $${output.usage.costUsd.toFixed(4)}`}
      </p>
    </article>
  );
}
