import type { AnalysisView } from '@ultra/contracts';
import { ErrorMessage } from '../../../components/ui';
import { CancelButton, RunSummary } from './run-summary';
import { StageColumn } from './stage-column';
import { useLiveRun } from './use-live-run';

/** A running analysis as it happens: a column per stage, a card per model streaming its answer. */
export function LiveRun({ analysis, onEnded }: { analysis: AnalysisView; onEnded: () => void }) {
  const { state, connection, error } = useLiveRun(analysis, onEnded);
  return (
    <div className="live-run">
      <div className="run-bar">
        <RunSummary analysis={analysis} state={state} connection={connection} />
        {!state.ended && <CancelButton analysisId={analysis.id} />}
      </div>
      <ErrorMessage error={error} />
      {state.stages.length === 0 ? (
        <p className="hint">The stages appear here as they start.</p>
      ) : (
        // Focusable: with many stages it scrolls sideways, which keyboard users must be able to do too.
        <div className="stage-columns" role="region" aria-label="Stages" tabIndex={0}>
          {state.stages.map((stage) => (
            <StageColumn
              key={stage.index === null ? `pending-${stage.id}-${stage.round}` : `run-${stage.index}`}
              stage={stage}
            />
          ))}
        </div>
      )}
    </div>
  );
}
