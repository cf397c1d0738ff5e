import type { PatternInfo } from '@ultra/contracts';
import { Link } from 'react-router-dom';

/** The stages in order, each with its kind and what it is for. */
export function StageOutline({ stages }: { stages: PatternInfo['stages'] }) {
  return (
    <ol className="pattern-outline">
      {stages.map((s) => (
        <li key={s.id}>
          <span className="pattern-stage-label">{s.label}</span> <span className="hint">({s.kind})</span>
          {s.description && <p className="hint">{s.description}</p>}
        </li>
      ))}
    </ol>
  );
}

export function ParamSummary({ params }: { params: PatternInfo['params'] }) {
  const entries = Object.entries(params);
  if (entries.length === 0) return null;
  return (
    <dl className="pattern-params">
      {entries.map(([name, p]) => (
        <div key={name}>
          <dt>
            <code>{name}</code>
          </dt>
          <dd>
            {p.default} ({p.min}–{p.max}){p.description && `: ${p.description}`}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** One pattern of the list: what it does, its parameters and its stages, and where to go from here. */
export function PatternCard({ pattern }: { pattern: PatternInfo }) {
  const own = pattern.source === 'user';
  return (
    <li className="card pattern-card">
      <h3>
        <Link to={`/patterns/${pattern.id}`}>{pattern.name}</Link>
      </h3>
      <p className="hint">
        <code>{pattern.id}</code> · {own ? 'yours' : 'built-in'}
      </p>
      <p>{pattern.description}</p>
      <ParamSummary params={pattern.params} />
      <h4>Stages</h4>
      <StageOutline stages={pattern.stages} />
      <div className="pattern-card-actions">
        {own ? (
          <Link to={`/patterns/${pattern.id}`} aria-label={`Edit ${pattern.name}`}>
            Edit
          </Link>
        ) : (
          <Link to={`/patterns/new?from=${encodeURIComponent(pattern.id)}`} aria-label={`Copy ${pattern.name} as new`}>
            Copy as new
          </Link>
        )}
      </div>
    </li>
  );
}
