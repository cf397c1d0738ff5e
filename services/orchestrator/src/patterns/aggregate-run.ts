import type { AggregateStageSpec, StageRun } from '@ultra/contracts';
import { type Ballot, runAggregator } from '../aggregates/aggregators';
import { labelsFor } from './prompt-renderer';
import { type AnalysisState, keyOf, roundRuns, stageOf } from './run-state';

/**
 * Runs an aggregate stage: one ballot per output of the `from` stage's latest round, each resolving labels with
 * the letters its author was shown, so "Response B" means the model that voter saw as B.
 */
export function aggregateRun(state: AnalysisState, stage: AggregateStageSpec, index: number): StageRun {
  const source = stageOf(state, stage.from);
  const last = state.runs.findLast((r) => r.kind === 'generate' && r.stage === stage.from);
  const ballots: Ballot[] = [];
  if (source?.kind === 'generate' && last) {
    const runs = roundRuns(state.runs, stage.from, last.round);
    for (const run of runs) {
      for (const output of run.outputs) {
        const voter = keyOf(output);
        const failed = output.status !== 'completed';
        ballots.push({
          voter,
          data: failed ? null : (output.data ?? null),
          error: failed ? `the call failed (${output.category ?? 'error'})` : (output.dataError ?? null),
          resolve: labelsFor(state, source, voter, run.index).resolve,
        });
      }
    }
  }
  const aggregate = runAggregator(stage.use, { ballots, candidates: [...state.spec.models] });
  return { index, stage: stage.id, kind: 'aggregate', round: 1, outputs: [], aggregate };
}
