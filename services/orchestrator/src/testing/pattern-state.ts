import {
  type AnalysisSpec,
  type PatternSpecInput,
  patternSpecSchema,
  paramValues,
  type StageRun,
} from '@ultra/contracts';
import type { AnalysisState } from '../patterns/run-state';

export const MODELS = ['mock:alpha', 'mock:beta', 'mock:gamma'];
export const ANALYSIS_ID = '00000000-0000-4000-8000-000000000001';

/** An analysis state for tests: a pattern (with defaults filled in), models and runs built with `run`. */
export function stateOf(
  pattern: PatternSpecInput,
  runs: StageRun[] = [],
  overrides: Partial<Omit<AnalysisSpec, 'patternSpec'>> = {},
): AnalysisState {
  const patternSpec = patternSpecSchema.parse(pattern);
  const spec: AnalysisSpec = {
    prompt: 'How do tides work?',
    models: MODELS,
    ultraModel: MODELS[0],
    pattern: patternSpec.id,
    patternSpec,
    options: {},
    ...overrides,
    params: { ...paramValues(patternSpec), ...overrides.params },
  };
  return { analysisId: ANALYSIS_ID, spec, runs };
}

type OutputSketch =
  string | { model: string; sample?: number; fail?: boolean; text?: string; data?: Record<string, unknown> };

/**
 * A generate run: outputs given as model ids (completed, text "<model> on <stage>"), `!model` for a failure, or
 * objects for samples and JSON data.
 */
export function run(index: number, stage: string, outputs: OutputSketch[], round = 1): StageRun {
  return {
    index,
    stage,
    kind: 'generate',
    round,
    outputs: outputs.map((o) => {
      const sketch = typeof o === 'string' ? { model: o.replace(/^!/, ''), fail: o.startsWith('!') } : o;
      const failed = sketch.fail ?? false;
      return {
        model: sketch.model,
        sample: sketch.sample ?? 0,
        status: failed ? 'failed' : 'completed',
        text: failed ? null : (sketch.text ?? `${sketch.model} on ${stage}`),
        data: sketch.data ?? null,
        dataError: null,
        category: failed ? 'provider_unavailable' : null,
      };
    }),
  };
}

export function aggregate(index: number, stage: string, result: Record<string, unknown>): StageRun {
  return { index, stage, kind: 'aggregate', round: 1, outputs: [], aggregate: result };
}
