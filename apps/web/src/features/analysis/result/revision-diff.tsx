import type { AnalysisView } from '@ultra/contracts';
import { diffWords } from 'diff';
import { useId, useMemo, useState } from 'react';
import { type Revision, revisionsOf } from './revision-pairs';

/** One model's word diff: <ins> and <del> carry the meaning, so screen readers announce them too. */
export function WordDiff({ revision }: { revision: Revision }) {
  const changes = useMemo(() => diffWords(revision.before, revision.after), [revision]);
  if (revision.before === revision.after) return <p className="hint">No changes.</p>;
  return (
    <div className="word-diff">
      {changes.map((change, i) => {
        if (change.added) return <ins key={i}>{change.value}</ins>;
        if (change.removed) return <del key={i}>{change.value}</del>;
        return <span key={i}>{change.value}</span>;
      })}
    </div>
  );
}

/** What each model changed when it revised its answer, one model at a time. */
export function RevisionDiff({ analysis }: { analysis: AnalysisView }) {
  const found = useMemo(() => revisionsOf(analysis), [analysis]);
  const [model, setModel] = useState<string | null>(null);
  const headingId = useId();
  const selectId = useId();
  if (!found) return null;
  const shown = found.revisions.find((r) => r.model === model) ?? found.revisions[0];
  return (
    <section className="result-section" aria-labelledby={headingId}>
      <h2 id={headingId}>Revisions</h2>
      <p className="hint">
        Each model’s answer in “{found.before.label}” against its answer in “{found.after.label}”
        {found.after.round > 1 && ` (round ${found.after.round})`}: <ins>inserted</ins> and <del>deleted</del> words are
        marked.
      </p>
      <div className="field field-inline">
        <label htmlFor={selectId}>Model</label>
        <select id={selectId} value={shown.model} onChange={(e) => setModel(e.target.value)}>
          {found.revisions.map((r) => (
            <option key={r.model} value={r.model}>
              {r.model}
            </option>
          ))}
        </select>
      </div>
      <h3>{shown.model}</h3>
      <WordDiff revision={shown} />
    </section>
  );
}
