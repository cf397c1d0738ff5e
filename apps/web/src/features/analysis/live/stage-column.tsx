import { useId } from 'react';
import type { StageStatus } from '@ultra/contracts';
import type { LiveStage } from './live-state';
import { OutputCard } from './output-card';

const STATUS_LABEL: Record<StageStatus, string> = {
  pending: 'Pending',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  skipped: 'Skipped',
};

function emptyNote(stage: LiveStage): string {
  if (stage.kind === 'aggregate') return 'Combines the earlier outputs; no model is called.';
  if (stage.status === 'pending') return 'Not started yet.';
  if (stage.status === 'skipped') return 'The analysis ended before this stage ran.';
  return 'No model calls yet.';
}

/** One stage run (or a stage of the pattern still to come): its label, status and a card per model call. */
export function StageColumn({ stage }: { stage: LiveStage }) {
  const headingId = useId();
  return (
    <section className={`stage-column stage-${stage.status}`} aria-labelledby={headingId}>
      <header className="stage-column-header">
        <h2 id={headingId}>
          {stage.label}
          {stage.round > 1 && <span className="hint"> · round {stage.round}</span>}
        </h2>
        <p className={`stage-status stage-status-${stage.status}`}>{STATUS_LABEL[stage.status]}</p>
      </header>
      {stage.note && <p className="hint">{stage.note}</p>}
      {stage.outputs.length === 0 ? (
        <p className="hint">{emptyNote(stage)}</p>
      ) : (
        stage.outputs.map((output) => <OutputCard key={`${output.model}#${output.sample}`} output={output} />)
      )}
    </section>
  );
}
