import {
  AnalysisErrorCode,
  type AnalysisFinishJob,
  type ModelId,
  resultStagesOf,
  type RunOutput,
} from '@ultra/contracts';
import { aggregateOf, type AnalysisState, fieldOf, outputsOfStage } from './run-state';

export type Outcome =
  | { status: 'completed'; result: NonNullable<AnalysisFinishJob['result']> }
  | { status: 'failed'; error: { code: string; message: string } };

/** The index of the run that holds an output (a carried-forward stage answers with an earlier run's). */
function indexOf(state: AnalysisState, output: RunOutput): number {
  return state.runs.findLast((r) => r.outputs.includes(output))?.index ?? 0;
}

/** The output of `outputs` that answers: the vote's winner when the pattern picks one, else the first. */
function answering(state: AnalysisState, outputs: RunOutput[]): RunOutput | undefined {
  const pick = state.spec.patternSpec.result?.pick;
  const winner = pick ? aggregateOf(state, pick)?.winner : undefined;
  const order = (m: ModelId) => (m === state.spec.ultraModel ? -1 : state.spec.models.indexOf(m));
  const byPreference = [...outputs].sort((a, b) => order(a.model) - order(b.model) || a.sample - b.sample);
  // Without a valid vote the answer of the ultra model (or the first surviving one) stands.
  return byPreference.find((o) => typeof winner === 'string' && o.model === winner) ?? byPreference[0];
}

/** The pattern's named result data: aggregates' results and fields of stages' JSON outputs. */
function resultData(state: AnalysisState, answer: RunOutput, answerStage: string): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [name, source] of Object.entries(state.spec.patternSpec.result?.data ?? {})) {
    if ('aggregate' in source) {
      data[name] = aggregateOf(state, source.aggregate) ?? null;
      continue;
    }
    const output = source.stage === answerStage ? answer : outputsOfStage(state, source.stage).find((o) => o.data);
    const value = source.field ? fieldOf(output?.data, source.field) : output?.data;
    data[name] = value ?? null;
  }
  return data;
}

/** Ends a pattern that ran to its end: the first result stage with an output gives the answer. */
export function finishWithResult(state: AnalysisState): { kind: 'finish'; outcome: Outcome } {
  for (const stage of resultStagesOf(state.spec.patternSpec)) {
    const answer = answering(state, outputsOfStage(state, stage));
    if (!answer || answer.text === null) continue;
    const field = answer.data?.answer;
    const text = typeof field === 'string' && field.trim() ? field : answer.text;
    return {
      kind: 'finish',
      outcome: {
        status: 'completed',
        result: {
          stage,
          stageIndex: indexOf(state, answer),
          model: answer.model,
          sample: answer.sample,
          text,
          data: resultData(state, answer, stage),
          ...(answer.toolCalls?.length && { toolCalls: answer.toolCalls }),
          ...(answer.finishReason != null && { finishReason: answer.finishReason }),
        },
      },
    };
  }
  const stages = resultStagesOf(state.spec.patternSpec).join(', ');
  return {
    kind: 'finish',
    outcome: {
      status: 'failed',
      error: {
        code: AnalysisErrorCode.SynthesisFailed,
        message: `no stage that gives the answer (${stages}) produced one`,
      },
    },
  };
}
