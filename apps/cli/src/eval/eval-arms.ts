import { CliError, ExitCode } from '../exit-codes.js';
import type { EvalArm } from './eval-types.js';

/** The pattern that runs one model alone: every model of the panel is also measured this way. */
export const SINGLE_MODEL_PATTERN = 'direct';

/** The arm of one model alone: `direct` over that model. */
export function modelArm(model: string): EvalArm {
  return { id: `model:${model}`, kind: 'model', pattern: SINGLE_MODEL_PATTERN, models: [model], ultraModel: model };
}

/**
 * Every way of answering an evaluation compares: each model alone (so the best single model is known), then each
 * pattern over the whole panel with `ultra` (default the first model) synthesizing. `direct` among the patterns
 * means the single models, which are always there.
 */
export function armsOf(patterns: readonly string[], models: readonly string[], ultra?: string): EvalArm[] {
  if (models.length === 0)
    throw new CliError('eval needs --models (e.g. --models mock:alpha,mock:beta)', ExitCode.Usage);
  const ultraModel = ultra ?? models[0];
  if (!models.includes(ultraModel)) {
    throw new CliError(`--ultra ${ultraModel} is not among --models (${models.join(', ')})`, ExitCode.Usage);
  }
  const unique = <T>(values: readonly T[]) => [...new Set(values)];
  const arms = unique(models).map(modelArm);
  for (const pattern of unique(patterns)) {
    if (pattern === SINGLE_MODEL_PATTERN) continue;
    arms.push({ id: `pattern:${pattern}`, kind: 'pattern', pattern, models: unique(models), ultraModel });
  }
  return arms;
}

/**
 * What POST /api/analyze gets for an arm and a prompt. Never from the response cache: an answer served from it
 * would cost nothing and take no time, and the report measures both.
 */
export function analyzeBodyOf(arm: EvalArm, prompt: string): Record<string, unknown> {
  return {
    prompt,
    pattern: arm.pattern,
    models: arm.models,
    ...(arm.ultraModel !== undefined && { ultraModel: arm.ultraModel }),
    cache: false,
  };
}

/**
 * The baseline open answers are judged against: `reference` (each item's own reference answer), an arm id, or a
 * model id (its single-model arm). By default the items' references when every open item has one, else the first
 * model alone.
 */
export function baselineOf(
  requested: string | undefined,
  arms: readonly EvalArm[],
  everyOpenItemHasReference: boolean,
): string {
  if (requested === undefined) return everyOpenItemHasReference ? 'reference' : arms[0].id;
  if (requested === 'reference') {
    if (!everyOpenItemHasReference) {
      throw new CliError('--baseline reference needs a reference answer on every open item', ExitCode.Usage);
    }
    return requested;
  }
  const arm = arms.find((a) => a.id === requested || a.id === `model:${requested}`);
  if (!arm) {
    throw new CliError(
      `--baseline ${requested} is none of the arms (${arms.map((a) => a.id).join(', ')}) nor "reference"`,
      ExitCode.Usage,
    );
  }
  return arm.id;
}
