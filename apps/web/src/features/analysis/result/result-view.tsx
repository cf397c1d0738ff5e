import type { AnalysisView } from '@ultra/contracts';
import { AnswerSection } from './answer-section';
import { ExportActions } from './export-actions';
import { FollowUpForm } from './follow-up-form';
import { PatternViews } from './pattern-views';
import { RerunForm } from './rerun-form';
import { ReusedNote } from './reused-note';
import { RevisionDiff } from './revision-diff';
import { StageOutputs } from './stage-outputs';
import { ThreadList } from './thread-list';
import { UsageTable } from './usage-table';
import './result.css';

/**
 * An ended analysis: the answer (or its error) first, then how it was reached — the pattern's data, each stage's
 * outputs, the revisions — then what it cost, and what can be done next.
 */
export function ResultView({ analysis, onChanged }: { analysis: AnalysisView; onChanged: () => void }) {
  return (
    <div className="result-view">
      <ReusedNote analysis={analysis} />
      <ThreadList analysis={analysis} />
      <AnswerSection analysis={analysis} />
      <ExportActions analysisId={analysis.id} />
      <PatternViews analysis={analysis} />
      <StageOutputs analysis={analysis} />
      <RevisionDiff analysis={analysis} />
      <UsageTable analysis={analysis} />
      <div className="result-next">
        <FollowUpForm analysisId={analysis.id} onAsked={onChanged} />
        <RerunForm analysis={analysis} onRerun={onChanged} />
      </div>
    </div>
  );
}
