import type { AnalysisView } from '@ultra/contracts';
import { AgreementChart } from './agreement-chart';
import { patternDataOf } from './pattern-data';
import { RankingTable } from './ranking-table';
import { VoteTally } from './vote-tally';

/** The pattern's own views (agreement, ranking, votes), chosen by the data's shape. */
export function PatternViews({ analysis }: { analysis: AnalysisView }) {
  return (
    <>
      {patternDataOf(analysis).map((view) => {
        switch (view.kind) {
          case 'agreement':
            return <AgreementChart key={view.title} title={view.title} data={view.data} />;
          case 'ranking':
            return <RankingTable key={view.title} title={view.title} data={view.data} />;
          case 'votes':
            return <VoteTally key={view.title} title={view.title} data={view.data} />;
        }
      })}
    </>
  );
}
