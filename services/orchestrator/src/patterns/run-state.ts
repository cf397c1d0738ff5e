import type { AnalysisSpec, GenerateStageSpec, ModelId, RunOutput, StageRun, StageSpec } from '@ultra/contracts';

/**
 * Pure readings of an analysis' stage runs, shared by the decision function, the prompt renderer and the result:
 * who is still in, what a stage answered, which run a reference means.
 */
export interface AnalysisState {
  analysisId: string;
  spec: AnalysisSpec;
  /** Every run so far, in index order. */
  runs: StageRun[];
}

/** A model's sample n > 0 is its own participant: `mock:alpha#2`; sample 0 is the model id itself. */
export function keyOf(output: { model: ModelId; sample?: number }): string {
  return output.sample ? `${output.model}#${output.sample}` : output.model;
}

export function stageOf(state: AnalysisState, id: string): StageSpec | undefined {
  return state.spec.patternSpec.stages.find((s) => s.id === id);
}

export function positionOf(state: AnalysisState, id: string): number {
  return state.spec.patternSpec.stages.findIndex((s) => s.id === id);
}

/** The analysis' parameter values (defaults filled in by the gateway). */
export function paramsOf(state: AnalysisState): Record<string, number> {
  return state.spec.params;
}

export function completed(outputs: readonly RunOutput[]): RunOutput[] {
  return outputs.filter((o) => o.status === 'completed' && o.text !== null);
}

/** Every run of one round of a stage (a fallback adds a run to the same round). */
export function roundRuns(runs: readonly StageRun[], stage: string, round: number): StageRun[] {
  return runs.filter((r) => r.kind === 'generate' && r.stage === stage && r.round === round);
}

/** The failure policy of a stage, with the pattern's as default. */
export function failureOf(state: AnalysisState, stage: GenerateStageSpec) {
  return { ...state.spec.patternSpec.failure, ...stage.failure };
}

/** A stage run only by one model (the synthesis): a failure there falls back to the next surviving model. */
export function isSingleModel(stage: GenerateStageSpec): boolean {
  const p = stage.participants;
  return p === 'ultra' || (typeof p === 'object' && 'sample' in p && p.sample.model === 'ultra');
}

/**
 * A round whose every call failed, in a stage that carries forward: later stages read the round before it
 * instead, and no model is dropped for it.
 */
export function isCarried(state: AnalysisState, run: StageRun): boolean {
  const stage = stageOf(state, run.stage);
  if (stage?.kind !== 'generate' || !failureOf(state, stage).carryForward) return false;
  return completed(roundRuns(state.runs, run.stage, run.round).flatMap((r) => r.outputs)).length === 0;
}

/**
 * Models still in the analysis, in its model order: a model drops out when every call it made in a run failed,
 * unless that run was carried forward.
 */
export function survivors(state: AnalysisState, before = state.runs.length): ModelId[] {
  const dropped = new Set<ModelId>();
  for (const run of state.runs.slice(0, before)) {
    if (run.kind !== 'generate' || isCarried(state, run)) continue;
    const ok = new Set(completed(run.outputs).map((o) => o.model));
    for (const o of run.outputs) if (!ok.has(o.model)) dropped.add(o.model);
  }
  return state.spec.models.filter((m) => !dropped.has(m));
}

/** The chosen ultra model while it is in the analysis, else the first model that is. */
export function ultraOf(state: AnalysisState, alive: readonly ModelId[]): ModelId | undefined {
  return alive.includes(state.spec.ultraModel) ? state.spec.ultraModel : alive[0];
}

/**
 * The completed outputs a reference to a stage means: its latest round (fallback runs included). A round that
 * failed entirely and carries forward stands for the generate round before it; a stage that never ran, nothing.
 */
export function outputsOfStage(state: AnalysisState, stage: string, before = state.runs.length): RunOutput[] {
  const runs = state.runs.slice(0, before);
  const last = runs.findLast((r) => r.kind === 'generate' && r.stage === stage);
  if (!last) return [];
  return outputsOfRound(state, runs, last);
}

/** The generate round right before position `before`: what `prev` means there. */
export function outputsOfPrev(state: AnalysisState, before = state.runs.length): RunOutput[] {
  const runs = state.runs.slice(0, before);
  const last = runs.findLast((r) => r.kind === 'generate');
  return last ? outputsOfRound(state, runs, last) : [];
}

function outputsOfRound(state: AnalysisState, runs: StageRun[], run: StageRun): RunOutput[] {
  const outputs = completed(roundRuns(runs, run.stage, run.round).flatMap((r) => r.outputs));
  if (outputs.length > 0 || !isCarried(state, run)) return outputs;
  const first = runs.findIndex((r) => r.stage === run.stage && r.round === run.round);
  return outputsOfPrev(state, first);
}

/** The latest result of an aggregate stage, or undefined when it has not run. */
export function aggregateOf(state: AnalysisState, stage: string): Record<string, unknown> | undefined {
  return state.runs.findLast((r) => r.kind === 'aggregate' && r.stage === stage)?.aggregate ?? undefined;
}

/** Reads `a.b.c` from parsed JSON. */
export function fieldOf(data: unknown, path: string): unknown {
  let value = data;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
