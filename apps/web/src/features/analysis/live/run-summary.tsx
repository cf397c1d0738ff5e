import { useEffect, useState } from 'react';
import type { AnalysisView } from '@ultra/contracts';
import { api, ApiError } from '../../../api/api-client';
import { Button, ErrorMessage } from '../../../components/ui';
import { costOf, formatCost, formatElapsed, type LiveState } from './live-state';
import type { Connection } from './use-analysis-events';

/** The current time, once a second: enough for an elapsed-time display. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function runStatus(state: LiveState, connection: Connection): string {
  if (state.ended?.status === 'completed') return 'Completed. Loading the result…';
  if (state.ended) return `Ended: ${state.ended.error.message}. Loading the result…`;
  if (connection === 'reconnecting') return 'Connection lost. Reconnecting to live updates…';
  if (!state.started) return 'Queued: waiting for a worker.';
  const running = state.stages.filter((s) => s.status === 'running').map((s) => s.label);
  return running.length > 0 ? `Running: ${running.join(', ')}` : 'Running';
}

/** Where the run stands: status, elapsed time and what it has cost so far. */
export function RunSummary({
  analysis,
  state,
  connection,
}: {
  analysis: AnalysisView;
  state: LiveState;
  connection: Connection;
}) {
  const now = useNow();
  return (
    <div className="run-summary">
      <p className="run-status" role="status" aria-live="polite">
        {runStatus(state, connection)}
      </p>
      <dl className="run-figures">
        <div>
          <dt>Elapsed</dt>
          <dd>{formatElapsed(now - Date.parse(analysis.createdAt))}</dd>
        </div>
        <div>
          <dt>Cost so far</dt>
          <dd>{formatCost(costOf(state))}</dd>
        </div>
        <div>
          <dt>Pattern</dt>
          <dd>{analysis.pattern}</dd>
        </div>
      </dl>
    </div>
  );
}

/** Asks the gateway to stop the run; the stream then ends it with `analysis.failed` (code `cancelled`). */
export function CancelButton({ analysisId }: { analysisId: string }) {
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const cancel = async () => {
    setCancelling(true);
    setError(null);
    try {
      await api.post(`/api/analyses/${encodeURIComponent(analysisId)}/cancel`);
    } catch (cause) {
      // It ended meanwhile: the stream brings that end, there is nothing to cancel.
      if (cause instanceof ApiError && cause.code === 'analysis_ended') return;
      setError(cause);
      setCancelling(false);
    }
  };
  return (
    <div className="cancel-action">
      <Button variant="danger" onClick={() => void cancel()} disabled={cancelling}>
        {cancelling ? 'Cancelling…' : 'Cancel'}
      </Button>
      <ErrorMessage error={error} />
    </div>
  );
}
