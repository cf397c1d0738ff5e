import { useId } from 'react';
import { formatCost, type LiveOutput } from './live-state';

interface Badge {
  kind: 'retrying' | 'retried' | 'fell-back' | 'breaker-open' | 'cached';
  label: string;
}

/** How the call was routed, as far as is known: live events tell retries, the stored run fallbacks and cache hits. */
export function badgesOf(output: LiveOutput): Badge[] {
  const badges: Badge[] = [];
  if (output.phase === 'retrying') {
    const cause = output.retryCause?.category;
    badges.push({ kind: 'retrying', label: cause ? `Retrying (${cause})` : 'Retrying' });
  }
  if (output.retries > 0) badges.push({ kind: 'retried', label: `Retried ×${output.retries}` });
  if (output.fellBack) {
    badges.push({ kind: 'fell-back', label: output.answeredBy ? `Fell back to ${output.answeredBy}` : 'Fell back' });
  }
  if (output.breakerOpen) badges.push({ kind: 'breaker-open', label: 'Breaker open' });
  if (output.cached) badges.push({ kind: 'cached', label: 'Cached' });
  return badges;
}

function statusOf(output: LiveOutput): string {
  switch (output.phase) {
    case 'waiting':
      return 'Waiting';
    case 'streaming':
      return 'Streaming…';
    case 'retrying':
      return 'Retrying…';
    case 'completed':
      return 'Completed';
    case 'failed':
      return 'Failed';
  }
}

/** One model's output in a stage: its text as it streams, how it was routed, and why it failed if it did. */
export function OutputCard({ output }: { output: LiveOutput }) {
  const headingId = useId();
  const badges = badgesOf(output);
  const usage = output.usage;
  return (
    <article className={`output-card phase-${output.phase}`} aria-labelledby={headingId}>
      <header className="output-card-header">
        <h3 id={headingId}>
          {output.model}
          {output.sample > 0 && <span className="hint"> · sample {output.sample + 1}</span>}
        </h3>
        {/* Announced when the phase changes, never per token. */}
        <p className="output-status" role="status" aria-live="polite">
          {statusOf(output)}
        </p>
      </header>
      {badges.length > 0 && (
        <ul className="badges" aria-label={`Routing of ${output.model}`}>
          {badges.map((badge) => (
            <li key={badge.kind} className={`badge badge-${badge.kind}`}>
              {badge.label}
            </li>
          ))}
        </ul>
      )}
      {output.phase === 'retrying' && output.retryCause?.message && (
        <p className="hint">Previous call: {output.retryCause.message}</p>
      )}
      {output.fallbackReason && <p className="hint">Why: {output.fallbackReason}</p>}
      {output.phase === 'failed' && output.error && (
        <p className="output-error">
          <strong>{output.model}</strong> failed ({output.error.category}): {output.error.message}
        </p>
      )}
      {output.text ? (
        <div className="output-text" aria-busy={output.phase === 'streaming'}>
          {output.text}
        </div>
      ) : (
        output.phase !== 'failed' && <p className="hint">No text yet.</p>
      )}
      {usage && (
        <p className="hint output-usage">
          {usage.inputTokens} in · {usage.outputTokens} out
          {usage.costUsd !== undefined && ` · ${formatCost(usage.costUsd)}`}
        </p>
      )}
    </article>
  );
}
