import type { AnalysisView } from '@ultra/contracts';
import { Link } from 'react-router-dom';
import { runName } from './stage-outputs';

/** For a rerun: the analysis it came from and the stages copied from it rather than run again. */
export function ReusedNote({ analysis }: { analysis: AnalysisView }) {
  if (!analysis.sourceAnalysisId) return null;
  const reused = analysis.stages.filter((s) => s.outputs.length > 0 && s.outputs.some((o) => o.reused));
  return (
    <div className="card reused-note">
      <p>
        A rerun of <Link to={`/analyses/${analysis.sourceAnalysisId}`}>analysis {analysis.sourceAnalysisId}</Link>.
      </p>
      {reused.length > 0 ? (
        <p>
          Reused stages (no calls, no cost):{' '}
          {reused.map((s) => runName(s, analysis.stages).replace(' — reused', '')).join(', ')}
        </p>
      ) : (
        <p>No stage was reused.</p>
      )}
    </div>
  );
}
