import {
  type AnalysisEstimate,
  type AnalysisSpec,
  type GenerateStageSpec,
  type ModelId,
  participantCount,
  paramValues,
  roundsOf,
} from '@ultra/contracts';
import { DEFAULT_ESTIMATE_SETTINGS, type EstimateSettings, type PriceOf, type Range } from './estimate-settings';

/**
 * What an analysis will cost before it runs: the resolved pattern is walked stage by stage and round by round,
 * each call's prompt is sized from its templates and the outputs it shows, each output from its stage's declared
 * format, and the calls are priced from the catalog. docs/estimates.md explains the rules and the figures.
 */

/** Roughly four characters per token, the rule the mock provider counts by. */
const CHARS_PER_TOKEN = 4;
const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const BOUNDS = ['low', 'high'] as const;
type Bound = (typeof BOUNDS)[number];

/** How a generate stage runs: who calls (a model once per call), how many rounds, how long each answer is. */
interface StagePlan {
  stage: GenerateStageSpec;
  position: number;
  callers: ModelId[];
  /** Declared rounds (after parameters). */
  rounds: number;
  /** Rounds counted in each figure: conditions and early stops only in the high one. */
  counted: Record<Bound, number>;
  output: Range;
}

interface Tally {
  calls: number;
  inputTokens: Range;
  outputTokens: Range;
  costUsd: Range;
}

const zero = (): Range => ({ low: 0, high: 0 });
const tally = (): Tally => ({ calls: 0, inputTokens: zero(), outputTokens: zero(), costUsd: zero() });
const tokensOf = (chars: number): number => Math.ceil(chars / CHARS_PER_TOKEN);
/** Costs are shown to a millionth of a dollar, rounded outwards so the range still holds the true figure. */
const usd = (value: Range): Range => ({
  low: Math.floor(value.low * 1e6 + 1e-6) / 1e6,
  high: Math.ceil(Math.max(0, value.high * 1e6 - 1e-6)) / 1e6,
});

export function estimateAnalysis(
  spec: AnalysisSpec,
  priceOf: PriceOf,
  settings: EstimateSettings = DEFAULT_ESTIMATE_SETTINGS,
): AnalysisEstimate {
  const pattern = spec.patternSpec;
  const params = paramValues(pattern, spec.params);
  const plans = new Map<string, StagePlan>();
  const byModel = new Map<ModelId, Tally>(spec.models.map((model) => [model, tally()]));
  const total = tally();
  const duration = zero();
  const stages: AnalysisEstimate['stages'] = [];

  pattern.stages.forEach((stage, position) => {
    if (stage.kind === 'aggregate') {
      stages.push({
        id: stage.id,
        label: stage.label,
        kind: 'aggregate',
        rounds: 1,
        calls: 0,
        inputTokens: zero(),
        outputTokens: zero(),
      });
      return;
    }
    const plan = planOf(stage, position);
    plans.set(stage.id, plan);
    const row = { inputTokens: zero(), outputTokens: zero() };
    for (const bound of BOUNDS) {
      const output = plan.output[bound];
      for (let round = 1; round <= plan.counted[bound]; round++) {
        const input = inputTokensOf(plan, round, bound);
        for (const model of plan.callers) {
          const price = priceOf(model);
          const cost = price ? (input * price.inputPerMTok + output * price.outputPerMTok) / 1e6 : 0;
          let entry = byModel.get(model);
          if (!entry) byModel.set(model, (entry = tally()));
          for (const sum of [entry, total]) {
            sum.inputTokens[bound] += input;
            sum.outputTokens[bound] += output;
            sum.costUsd[bound] += cost;
            if (bound === 'high') sum.calls += 1;
          }
          row.inputTokens[bound] += input;
          row.outputTokens[bound] += output;
        }
        // The calls of a round run in parallel; stages and rounds one after another.
        duration[bound] += secondsOf(output, bound);
      }
    }
    stages.push({
      id: stage.id,
      label: stage.label,
      kind: 'generate',
      rounds: plan.rounds,
      calls: plan.callers.length * plan.rounds,
      ...row,
    });
  });

  const models = [...byModel]
    .filter(([, entry]) => entry.calls > 0)
    .map(([model, entry]) => ({ model, ...entry, costUsd: usd(entry.costUsd) }));
  return {
    pattern: spec.pattern,
    params,
    calls: total.calls,
    stages,
    models,
    total: { inputTokens: total.inputTokens, outputTokens: total.outputTokens, costUsd: usd(total.costUsd) },
    expectedDurationS: { low: Math.round(duration.low * 10) / 10, high: Math.round(duration.high * 10) / 10 },
    assumptions: assumptionsOf(models.map((m) => m.model).filter((model) => !priceOf(model))),
  };

  function planOf(stage: GenerateStageSpec, position: number): StagePlan {
    const rounds = roundsOf(stage, params);
    const low = stage.when ? 0 : stage.repeat?.untilConverged ? Math.min(1, rounds) : rounds;
    return {
      stage,
      position,
      callers: callersOf(stage),
      rounds,
      counted: { low, high: rounds },
      output: outputRangeOf(stage),
    };
  }

  /** The model making each call of one round, in the analysis' order. */
  function callersOf(stage: GenerateStageSpec): ModelId[] {
    const count = participantCount(stage, params, spec.models.length);
    const p = stage.participants;
    if (p === 'all') return [...spec.models];
    if (p === 'ultra') return [spec.ultraModel];
    if ('models' in p) return [...p.models];
    if ('sample' in p) return Array<ModelId>(count).fill(p.sample.model === 'ultra' ? spec.ultraModel : p.sample.model);
    // The ranking is not known yet: assume the dearest models win it, so the high figure stays an upper bound.
    return [...spec.models].sort((a, b) => dearness(b) - dearness(a)).slice(0, count);
  }

  function dearness(model: ModelId): number {
    const price = priceOf(model);
    return price ? price.outputPerMTok * 1_000 + price.inputPerMTok : 0;
  }

  function outputRangeOf(stage: GenerateStageSpec): Range {
    const output = stage.options?.output;
    const base =
      output?.format === 'json' ? settings.outputTokens[output.schema ?? 'json'] : settings.outputTokens.text;
    // The request's maxOutputTokens overrides the stage's, as it does for the calls themselves.
    const cap = spec.options.maxOutputTokens ?? stage.options?.maxOutputTokens ?? Infinity;
    return { low: Math.min(base.low, cap), high: Math.min(base.high, cap) };
  }

  /** One call's prompt: each message's template without its variables, plus what each variable shows. */
  function inputTokensOf(plan: StagePlan, round: number, bound: Bound): number {
    const templates = [plan.stage.prompt.system, plan.stage.prompt.user].filter((t) => t !== undefined);
    return templates.reduce((sum, template) => {
      let chars = template.replace(VARIABLE, '').length;
      for (const match of template.matchAll(VARIABLE)) chars += variableChars(match[1], plan, round, bound);
      return sum + tokensOf(chars);
    }, 0);
  }

  function variableChars(variable: string, plan: StagePlan, round: number, bound: Bound): number {
    const [kind, ref] = variable.split('.');
    switch (kind) {
      case 'question':
        return spec.prompt.length;
      case 'round':
        return String(round).length;
      case 'rounds':
        return String(plan.rounds).length;
      case 'params':
        return String(params[ref] ?? '').length;
      case 'own':
        return shownChars(sourceOf(ref, plan, round, bound), 1, bound);
      case 'others': {
        const source = sourceOf(ref, plan, round, bound);
        return shownChars(source, (source?.callers.length ?? 1) - 1, bound);
      }
      case 'all': {
        const source = sourceOf(ref, plan, round, bound);
        return shownChars(source, source?.callers.length ?? 0, bound);
      }
      case 'aggregate':
        return aggregateChars(ref, bound);
      default:
        // history and documents are empty until threads and attached documents exist.
        return 0;
    }
  }

  /** The generate stage a `<ref>` shows, if it has outputs in this figure: a stage id, or `prev`. */
  function sourceOf(ref: string, plan: StagePlan, round: number, bound: Bound): StagePlan | undefined {
    if (ref === 'prev') {
      if (round > 1) return plan;
      return [...plans.values()].findLast((p) => p.position < plan.position && p.counted[bound] > 0);
    }
    const source = plans.get(ref);
    return source && source.counted[bound] > 0 ? source : undefined;
  }

  function shownChars(source: StagePlan | undefined, count: number, bound: Bound): number {
    if (!source || count <= 0) return settings.placeholderTokens * CHARS_PER_TOKEN;
    return count * (settings.responseHeaderTokens + source.output[bound]) * CHARS_PER_TOKEN;
  }

  function aggregateChars(ref: string, bound: Bound): number {
    const stage = pattern.stages.find((s) => s.id === ref);
    if (stage?.kind !== 'aggregate' || bound === 'low') return settings.aggregateTokens.low * CHARS_PER_TOKEN;
    const voters = Math.max(1, plans.get(stage.from)?.callers.length ?? 1);
    return settings.aggregateTokens.highPerModel[stage.use] * voters * CHARS_PER_TOKEN;
  }

  function secondsOf(outputTokens: number, bound: Bound): number {
    const speed = bound === 'low' ? settings.tokensPerS.fast : settings.tokensPerS.slow;
    return settings.firstTokenS[bound] + outputTokens / speed;
  }

  function assumptionsOf(unpriced: ModelId[]): string[] {
    const out = settings.outputTokens;
    const range = (r: Range) => `${r.low}–${r.high}`;
    const agg = settings.aggregateTokens;
    return [
      "Tokens are counted as one per four characters of each message, rounded up, as the mock provider counts them; vendors' tokenizers differ somewhat.",
      `A call's input is its stage's prompt templates without their variables, plus the question, plus every output a variable shows at that output's estimated size with ${settings.responseHeaderTokens} tokens of heading each; history and documents are empty.`,
      `An aggregate's result shown in a prompt counts ${agg.low} tokens in the low figures and, per model of the stage it aggregates, ${agg.highPerModel.borda} (borda), ${agg.highPerModel.majority} (majority) or ${agg.highPerModel.agreement} (agreement) tokens in the high ones.`,
      `Each call's output counts ${range(out.text)} tokens for text; for json ${range(out.ranking)} (ranking), ${range(out.vote)} (vote), ${range(out.review)} (review), ${range(out.verdicts)} (verdicts), ${range(out.confidence)} (confidence), ${range(out.json)} (any other object).`,
      "Output figures never exceed maxOutputTokens: the request's when it sets one, otherwise the stage's.",
      'Conditional stages (when) count only in the high figures; the low figures assume they are skipped.',
      'Stages that stop early on convergence count one round in the low figures and every round in the high ones.',
      'Every call is assumed to succeed the first time: retries and fallbacks after failures are not counted.',
      "A top-k stage is priced as if the k dearest of the analysis' models were chosen, since the ranking is not known in advance.",
      "Cost uses the catalog's prices per million tokens, without prompt-cache discounts.",
      `Duration: stages and rounds run one after another and the calls of a round in parallel; each call waits ${range(settings.firstTokenS)} s for its first token and streams at ${settings.tokensPerS.fast}–${settings.tokensPerS.slow} tokens/s.`,
      ...unpriced.map((model) => `${model} has no price in the catalog; its calls are counted at 0 USD.`),
    ];
  }
}
