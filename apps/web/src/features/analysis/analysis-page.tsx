import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import type { AnalysisView } from '@ultra/contracts';
import { api } from '../../api/api-client';
import { ErrorMessage, Loading, Page } from '../../components/ui';
import { LiveRun } from './live/live-run';
import { ResultView } from './result/result-view';
import './live/live.css';

const hasEnded = (view: AnalysisView) => view.status === 'completed' || view.status === 'failed';

/** One analysis: followed live while it runs, then its result. */
function AnalysisScreen({ id }: { id: string }) {
  const [analysis, setAnalysis] = useState<AnalysisView | null>(null);
  const [error, setError] = useState<unknown>(null);

  const fetchAnalysis = useCallback(
    () =>
      api.get<AnalysisView>(`/api/analyses/${encodeURIComponent(id)}`).then(
        (view) => {
          setAnalysis(view);
          setError(null);
        },
        (cause: unknown) => setError(cause),
      ),
    [id],
  );
  const reload = useCallback(() => void fetchAnalysis(), [fetchAnalysis]);

  useEffect(() => {
    void fetchAnalysis();
  }, [fetchAnalysis]);

  return (
    <Page title="Analysis">
      {/* A failed refetch keeps what is shown and says why above it. */}
      <ErrorMessage error={error} />
      {!analysis ? (
        !error && <Loading label="Loading the analysis…" />
      ) : (
        <>
          <p className="analysis-prompt">{analysis.prompt}</p>
          {hasEnded(analysis) ? (
            <ResultView analysis={analysis} onChanged={reload} />
          ) : (
            <LiveRun analysis={analysis} onEnded={reload} />
          )}
        </>
      )}
    </Page>
  );
}

export function AnalysisPage() {
  const { id = '' } = useParams();
  // Keyed by id: another analysis (a follow-up, a rerun) starts from a clean state and stream.
  return <AnalysisScreen key={id} id={id} />;
}
