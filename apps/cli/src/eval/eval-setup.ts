import type { AnalysisEstimate, ModelInfo } from '@ultra/contracts';
import type { ApiClient } from '../api-client.js';
import { ApiError, CliError, ExitCode } from '../exit-codes.js';
import { analyzeBodyOf, SINGLE_MODEL_PATTERN } from './eval-arms.js';
import type { EvalArm, EvalSuite } from './eval-types.js';
import { judgePrompt, questionPrompt } from './scoring.js';

/**
 * The judge of open answers: the one asked for, or else the first ready model of the catalog outside the panel —
 * never a panel model by default, since judges favour their own answers (self-preference).
 */
export async function judgeOf(client: ApiClient, requested: string | undefined, panel: readonly string[]) {
  if (requested !== undefined) return requested;
  const { models } = await client.json<{ models: ModelInfo[] }>('GET', '/api/available-models');
  const outside = models.find((m) => m.status === 'ready' && !panel.includes(m.id));
  if (!outside) {
    throw new CliError(
      'the suite has open questions, which need a judge, and every ready model is on the panel: ' +
        'name one with --judge (a panel model may favour its own answers)',
      ExitCode.Usage,
    );
  }
  return outside.id;
}

/** Long enough to stand for a typical answer in the judge's estimate. */
const TYPICAL_ANSWER = 'x'.repeat(2_000);

/**
 * The most one task of each arm (and of the judge) may cost, from POST /api/analyze/estimate on the suite's
 * longest question. Asked before anything runs, so a pattern or model Ultra refuses stops the run at once, naming
 * the arm, instead of failing every item.
 */
export async function estimatesOf(
  client: ApiClient,
  suite: EvalSuite,
  arms: readonly EvalArm[],
  judge: string | null,
): Promise<Record<string, number>> {
  const longest = suite.items.reduce((a, b) => (questionPrompt(b).length > questionPrompt(a).length ? b : a));
  const estimate = async (label: string, body: Record<string, unknown>) => {
    try {
      const result = await client.json<AnalysisEstimate>('POST', '/api/analyze/estimate', { body });
      return result.total.costUsd.high;
    } catch (error) {
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
        throw new CliError(`${label}: Ultra refuses it: ${error.message} (${error.code})`, ExitCode.Usage);
      }
      throw error;
    }
  };
  const entries = await Promise.all(
    arms.map(async (arm) => [arm.id, await estimate(arm.id, analyzeBodyOf(arm, questionPrompt(longest)))] as const),
  );
  const estimates: Record<string, number> = Object.fromEntries(entries);
  if (judge !== null) {
    const prompt = judgePrompt({ question: longest.question, first: TYPICAL_ANSWER, second: TYPICAL_ANSWER });
    const body = { prompt, pattern: SINGLE_MODEL_PATTERN, models: [judge], ultraModel: judge };
    estimates.judge = await estimate(`judge ${judge}`, body);
  }
  return estimates;
}

/** The whole run's estimated cost, for the plan printed before it starts. */
export function plannedCost(
  suite: EvalSuite,
  arms: readonly EvalArm[],
  estimates: Record<string, number>,
  baseline: string | null,
): number {
  const answers = arms.reduce((sum, arm) => sum + (estimates[arm.id] ?? 0), 0) * suite.items.length;
  const open = suite.items.filter((i) => i.kind === 'open').length;
  const judged = arms.filter((a) => a.id !== baseline).length;
  return answers + (estimates.judge ?? 0) * open * judged * 2;
}
