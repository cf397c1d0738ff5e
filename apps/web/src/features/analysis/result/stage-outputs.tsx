import type { AnalysisView, StageView } from '@ultra/contracts';
import { useId, useState } from 'react';
import { OutputCard } from './output-card';

/** The name of a run in the stage list; rounds of a repeating stage are told apart. */
export function runName(stage: StageView, all: readonly StageView[]): string {
  const repeated = all.filter((s) => s.id === stage.id && s.index !== null).length > 1;
  const reused = stage.outputs.length > 0 && stage.outputs.every((o) => o.reused);
  return `${stage.label}${repeated ? ` (round ${stage.round})` : ''}${reused ? ' — reused' : ''}`;
}

/** Every model's output of one stage side by side; the stage is chosen from the runs that produced outputs. */
export function StageOutputs({ analysis }: { analysis: AnalysisView }) {
  const runs = analysis.stages.filter((s) => s.kind === 'generate' && s.index !== null && s.outputs.length > 0);
  const [chosen, setChosen] = useState<number | null>(null);
  const headingId = useId();
  const selectId = useId();
  if (runs.length === 0) return null;
  const stage = runs.find((s) => s.index === chosen) ?? runs[0];
  return (
    <section className="result-section" aria-labelledby={headingId}>
      <h2 id={headingId}>Models by stage</h2>
      <div className="field field-inline">
        <label htmlFor={selectId}>Stage</label>
        <select id={selectId} value={String(stage.index)} onChange={(e) => setChosen(Number(e.target.value))}>
          {runs.map((s) => (
            <option key={s.index} value={String(s.index)}>
              {runName(s, analysis.stages)}
            </option>
          ))}
        </select>
      </div>
      {stage.note && <p className="hint">{stage.note}</p>}
      <div className="output-grid">
        {stage.outputs.map((output) => (
          <OutputCard key={`${output.model}-${output.sample}`} output={output} />
        ))}
      </div>
    </section>
  );
}
