import type { PatternSpec, StageRun } from '@ultra/contracts';

/**
 * The runs of a source analysis that a rerun from `fromStage` reuses: every run before the first run of that
 * stage. When the stage never ran (the source failed or ended before it), every run of the stages that come
 * before it in the pattern.
 */
export function reusedRuns(spec: PatternSpec, runs: readonly StageRun[], fromStage: string): StageRun[] {
  const ordered = [...runs].sort((a, b) => a.index - b.index);
  const first = ordered.find((run) => run.stage === fromStage);
  if (first) return ordered.filter((run) => run.index < first.index);
  const position = new Map(spec.stages.map((stage, i) => [stage.id, i]));
  const from = position.get(fromStage);
  if (from === undefined) throw new Error(`stage "${fromStage}" is not a stage of pattern "${spec.id}"`);
  return ordered.filter((run) => (position.get(run.stage) ?? Number.POSITIVE_INFINITY) < from);
}
