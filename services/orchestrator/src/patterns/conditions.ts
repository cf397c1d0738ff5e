import { type Condition, type GenerateStageSpec, paramNameOf, resolveNumber, type StageRun } from '@ultra/contracts';
import { similarity } from '../aggregates/similarity';
import { type AnalysisState, completed, fieldOf, keyOf, outputsOfPrev, outputsOfStage, roundRuns } from './run-state';

/**
 * Whether a conditional stage runs: the field of the first completed output's JSON of the named stage, compared
 * with the value. A value that cannot be read lets the stage run: when in doubt, do the fuller work.
 */
export function conditionHolds(state: AnalysisState, when: Condition): boolean {
  const source = outputsOfStage(state, when.stage).find((o) => o.data);
  const actual = fieldOf(source?.data, when.field);
  const expected =
    typeof when.value === 'number' || paramNameOf(when.value) !== undefined
      ? resolveNumber(when.value as number | string, state.spec.params)
      : when.value;
  if (actual === undefined || actual === null) return true;
  switch (when.op) {
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    default: {
      if (typeof actual !== 'number' || typeof expected !== 'number') return true;
      if (when.op === 'lt') return actual < expected;
      if (when.op === 'lte') return actual <= expected;
      if (when.op === 'gt') return actual > expected;
      return actual >= expected;
    }
  }
}

/**
 * A repeating stage stops early once its answers have settled: every model's answer this round is at least
 * `similarity` like its answer the round before, or every answer of the round is that like every other.
 */
export function converged(state: AnalysisState, stage: GenerateStageSpec, last: StageRun): boolean {
  const rule = stage.repeat?.untilConverged;
  if (!rule) return false;
  const threshold = resolveNumber(rule.similarity, state.spec.params);
  const current = completed(roundRuns(state.runs, stage.id, last.round).flatMap((r) => r.outputs));
  if (current.length === 0) return false;
  const firstOfRound = state.runs.findIndex((r) => r.stage === stage.id && r.round === last.round);
  const before = new Map(outputsOfPrev(state, firstOfRound).map((o) => [keyOf(o), o.text ?? '']));
  const settled = current.every((o) => {
    const previous = before.get(keyOf(o));
    return previous !== undefined && similarity(previous, o.text ?? '') >= threshold;
  });
  if (settled) return true;
  if (current.length < 2) return false;
  return current.every((a, i) =>
    current.slice(i + 1).every((b) => similarity(a.text ?? '', b.text ?? '') >= threshold),
  );
}
