import {
  type AggregateStageSpec,
  AnalysisErrorCode,
  type GenerateStageSpec,
  type ModelId,
  type OutputSpec,
  resolveNumber,
  roundsOf,
  type StageRun,
  type StageSpec,
} from '@ultra/contracts';
import { conditionHolds, converged } from './conditions';
import { finishWithResult, type Outcome } from './pattern-result';
import {
  type AnalysisState,
  completed,
  failureOf,
  isSingleModel,
  positionOf,
  roundRuns,
  survivors,
  ultraOf,
} from './run-state';
import { topOf } from './top-ranked';

/** One call of a launched stage run. */
export interface CallPlan {
  model: ModelId;
  sample: number;
  temperature?: number;
  maxOutputTokens?: number;
  output?: OutputSpec;
}

/** What the orchestrator does next: the interpreter's whole vocabulary. */
export type Step =
  | { kind: 'launch'; stage: GenerateStageSpec; index: number; round: number; rounds: number; calls: CallPlan[] }
  | { kind: 'aggregate'; stage: AggregateStageSpec; index: number }
  | { kind: 'skip'; stage: StageSpec; index: number; note: string }
  | { kind: 'finish'; outcome: Outcome };

export interface RunFlags {
  cancelled: boolean;
  /** Epoch ms now, and when the analysis' deadline passes. */
  now: number;
  deadlineAt: number;
}

const fail = (code: string, message: string): Step => ({
  kind: 'finish',
  outcome: { status: 'failed', error: { code, message } },
});

/** "mock:beta (provider_unavailable), mock:delta (timeout)": which calls failed and why. */
export function describeFailures(runs: readonly StageRun[]): string {
  return runs
    .flatMap((r) => r.outputs)
    .filter((o) => o.status !== 'completed')
    .map((o) => `${o.model}${o.sample ? `#${o.sample}` : ''} (${o.category ?? o.status})`)
    .join(', ');
}

/**
 * Decides the next step of an analysis from its pattern and its runs so far. Pure: every rule (cancel, deadline,
 * quorum, carry-forward, fallback, repeat, conditions, result) is here and nowhere else.
 */
export function nextStep(state: AnalysisState, flags: RunFlags): Step {
  if (flags.cancelled) return fail(AnalysisErrorCode.Cancelled, 'the analysis was cancelled; no further stage starts');
  const last = state.runs.at(-1);
  if (flags.now >= flags.deadlineAt) {
    const where = last ? ` in stage ${last.stage}` : '';
    return fail(
      AnalysisErrorCode.DeadlineExceeded,
      `the analysis ran past its deadline${where}; no further stage starts`,
    );
  }
  if (!last) return enter(state, 0);
  const position = positionOf(state, last.stage);
  const stage = state.spec.patternSpec.stages[position];
  if (!stage) return fail(AnalysisErrorCode.PatternError, `stage ${last.stage} is not part of the pattern`);
  if (last.kind !== 'generate' || stage.kind !== 'generate') return enter(state, position + 1);
  return afterRound(state, stage, last, position);
}

/** A generate round has ended: retry it with a fallback, fail, repeat it, or move on. */
function afterRound(state: AnalysisState, stage: GenerateStageSpec, last: StageRun, position: number): Step {
  const runs = roundRuns(state.runs, stage.id, last.round);
  const ok = completed(runs.flatMap((r) => r.outputs));
  const policy = failureOf(state, stage);
  const single = isSingleModel(stage);
  if (ok.length === 0) {
    if (single && policy.fallback !== 'none') {
      const tried = new Set(runs.flatMap((r) => r.outputs.map((o) => o.model)));
      const candidate = survivors(state).find((m) => !tried.has(m));
      if (candidate) return launch(state, stage, last.round, callsFor(state, stage, [candidate]));
    }
    if (!policy.carryForward) {
      return single
        ? fail(
            AnalysisErrorCode.SynthesisFailed,
            `every model that could run stage ${stage.id} failed: ${describeFailures(runs)}`,
          )
        : fail(
            AnalysisErrorCode.AllModelsFailed,
            `every model failed in stage ${stage.id}, none is left: ${describeFailures(runs)}`,
          );
    }
  } else if (!single) {
    const launched = runs.reduce((n, r) => n + r.outputs.length, 0);
    const quorum = Math.min(
      launched,
      state.spec.options.quorum ?? resolveNumber(policy.quorum ?? 1, state.spec.params),
    );
    if (ok.length < quorum) {
      return fail(
        AnalysisErrorCode.QuorumNotMet,
        `stage ${stage.id} completed ${ok.length} of ${launched} outputs, below the quorum of ${quorum}: ${describeFailures(runs)}`,
      );
    }
  }
  const rounds = roundsOf(stage, state.spec.params);
  if (last.round < rounds && !converged(state, stage, last)) {
    return launch(state, stage, last.round + 1, participantsOf(state, stage));
  }
  return enter(state, position + 1);
}

/** The stage at `position` comes up: run it, aggregate, skip it, or finish after the last. */
function enter(state: AnalysisState, position: number): Step {
  const stage = state.spec.patternSpec.stages[position];
  if (!stage) return finishWithResult(state);
  const index = state.runs.length;
  if (stage.when && !conditionHolds(state, stage.when)) {
    const { field, op, value } = stage.when;
    return {
      kind: 'skip',
      stage,
      index,
      note: `condition not met: ${stage.when.stage}.${field} ${op} ${String(value)}`,
    };
  }
  if (stage.kind === 'aggregate') return { kind: 'aggregate', stage, index };
  if (roundsOf(stage, state.spec.params) <= 0) return { kind: 'skip', stage, index, note: 'repeat.times is 0' };
  const calls = participantsOf(state, stage);
  if (calls.length === 0) return { kind: 'skip', stage, index, note: 'no participant is left for this stage' };
  return launch(state, stage, 1, calls);
}

function launch(state: AnalysisState, stage: GenerateStageSpec, round: number, calls: CallPlan[]): Step {
  const rounds = roundsOf(stage, state.spec.params);
  return { kind: 'launch', stage, index: state.runs.length, round, rounds, calls };
}

/** Who takes part in a round of the stage, as calls. */
function participantsOf(state: AnalysisState, stage: GenerateStageSpec): CallPlan[] {
  const alive = survivors(state);
  const p = stage.participants;
  if (p === 'all') return callsFor(state, stage, alive);
  if (p === 'ultra')
    return callsFor(
      state,
      stage,
      [ultraOf(state, alive)].filter((m) => m !== undefined),
    );
  if ('models' in p)
    return callsFor(
      state,
      stage,
      p.models.filter((m) => alive.includes(m) || !state.spec.models.includes(m)),
    );
  if ('top' in p)
    return callsFor(state, stage, topOf(state, p.top.from, resolveNumber(p.top.k, state.spec.params), alive));
  const model = p.sample.model === 'ultra' ? ultraOf(state, alive) : p.sample.model;
  return model ? callsFor(state, stage, [model]) : [];
}

/** Calls for these models: one each, or n samples each in a sampling stage, with the stage's options. */
function callsFor(state: AnalysisState, stage: GenerateStageSpec, models: ModelId[]): CallPlan[] {
  const p = stage.participants;
  const n = typeof p === 'object' && 'sample' in p ? Math.max(1, resolveNumber(p.sample.n, state.spec.params)) : 1;
  const options = stage.options ?? {};
  const temperature = options.temperature;
  const request = state.spec.options;
  return models.flatMap((model) =>
    Array.from({ length: n }, (_, sample) => {
      const call: CallPlan = { model, sample };
      // A spread over samples is the pattern's mechanism (self-MoA), so it wins over the request's temperature.
      if (typeof temperature === 'object') {
        const spread = n === 1 ? 0 : ((temperature.max - temperature.min) * sample) / (n - 1);
        call.temperature = Math.round((temperature.min + spread) * 100) / 100;
      } else if (request.temperature !== undefined || temperature !== undefined) {
        call.temperature = request.temperature ?? temperature;
      }
      const maxOutputTokens = request.maxOutputTokens ?? options.maxOutputTokens;
      if (maxOutputTokens !== undefined) call.maxOutputTokens = maxOutputTokens;
      if (options.output) call.output = options.output;
      return call;
    }),
  );
}
