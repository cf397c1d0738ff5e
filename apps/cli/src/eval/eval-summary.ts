import { pairedBootstrap } from './bootstrap.js';
import type { AnswerRecord, ArmSummary, EvalArm, EvalRecord, EvalReport, JudgementRecord } from './eval-types.js';

export interface SummaryInput {
  suite: string;
  itemCount: number;
  arms: EvalArm[];
  records: EvalRecord[];
  /** The arm open answers were judged against ('reference' or null when none is an arm). */
  baselineArmId: string | null;
  judge: string | null;
  stoppedByBudget: boolean;
  now?: Date;
}

/** What one arm did, per item, before it is compared with the best single model. */
interface ArmFigures {
  arm: EvalArm;
  answers: AnswerRecord[];
  accuracy: Map<string, number>;
  wins: Map<string, number>;
  /** The measure the report compares by, per item (accuracy's or win rate's). */
  perItem: Map<string, number>;
  measure: number | null;
  costUsd: number;
  meanCostUsd: number | null;
}

const WIN_VALUE = { arm: 1, tie: 0.5, baseline: 0 } as const;
/** Costs are sums of floats: a difference below this is no difference. */
const COST_EPSILON = 1e-12;

/**
 * Turns a run's records into the report: per arm its accuracy (scored suites) or win rate against the baseline
 * (open suites), cost and latency, and how it compares with the best single model, item by item.
 */
export function summarize(input: SummaryInput): EvalReport {
  const { answers, judgements } = latestRecords(input.records);
  const scoredItems = new Set(answers.filter((a) => a.score !== undefined).map((a) => a.itemId));
  // A suite is scored or open; should both appear, the scored items decide, as they need no judge.
  const byAccuracy = scoredItems.size > 0;
  const wins = winsByArm(judgements, input.arms, input.baselineArmId);

  const figures = input.arms.map((arm): ArmFigures => {
    const mine = answers.filter((a) => a.armId === arm.id);
    const accuracy = new Map<string, number>();
    for (const answer of mine) {
      if (!scoredItems.has(answer.itemId)) continue;
      // A failed answer scores 0 even if its record carries no score: failing is not abstaining.
      if (answer.score !== undefined) accuracy.set(answer.itemId, answer.score);
      else if (answer.status === 'failed') accuracy.set(answer.itemId, 0);
    }
    const armWins = wins.get(arm.id) ?? new Map<string, number>();
    const perItem = byAccuracy ? accuracy : armWins;
    const costUsd = sum(mine.map((a) => a.costUsd));
    return {
      arm,
      answers: mine,
      accuracy,
      wins: armWins,
      perItem,
      measure: meanOf([...perItem.values()]),
      costUsd,
      meanCostUsd: mine.length > 0 ? costUsd / mine.length : null,
    };
  });

  const best = bestSingle(figures);
  const arms = figures.map((f): ArmSummary => {
    const latencies = f.answers.filter((a) => a.status === 'completed').map((a) => a.latencyMs);
    const vsBest = best === null || f === best ? null : compare(f, best);
    return {
      armId: f.arm.id,
      kind: f.arm.kind,
      items: f.answers.length,
      failed: f.answers.filter((a) => a.status === 'failed').length,
      accuracy: meanOf([...f.accuracy.values()]),
      winRate: meanOf([...f.wins.values()]),
      costUsd: f.costUsd,
      judgeCostUsd: sum(judgements.filter((j) => j.armId === f.arm.id).map((j) => j.costUsd)),
      latencyP50Ms: nearestRank(latencies, 50),
      latencyP95Ms: nearestRank(latencies, 95),
      vsBest,
      costPerPoint: best === null || vsBest === null ? null : costPerPoint(f, best, vsBest.delta),
    };
  });

  return {
    suite: input.suite,
    createdAt: (input.now ?? new Date()).toISOString(),
    arms,
    bestSingle: best?.arm.id ?? null,
    judge: input.judge,
    baseline: input.baselineArmId,
    unreadableVerdicts: judgements.filter((j) => j.winner === null).length,
    judgements: judgements.length,
    // Everything paid for, repeated calls of a resumed run included: it is what the run cost.
    totalCostUsd: sum(input.records.map((r) => r.costUsd)),
    itemCount: input.itemCount,
    stoppedByBudget: input.stoppedByBudget,
  };
}

/** A resumed run may repeat a call: the later record is the one that counts. */
function latestRecords(records: readonly EvalRecord[]): { answers: AnswerRecord[]; judgements: JudgementRecord[] } {
  const answers = new Map<string, AnswerRecord>();
  const judgements = new Map<string, JudgementRecord>();
  for (const record of records) {
    if (record.type === 'answer') answers.set(`${record.itemId}\n${record.armId}`, record);
    else judgements.set(`${record.itemId}\n${record.armId}\n${record.order}`, record);
  }
  return { answers: [...answers.values()], judgements: [...judgements.values()] };
}

/**
 * Per arm and open item: win 1, tie 0.5, loss 0, averaged over the orders the judge answered readably (showing
 * each answer first once cancels the judge's preference for a position). The baseline ties itself: 0.5 on every
 * judged item, so it can be compared like any other arm.
 */
function winsByArm(
  judgements: readonly JudgementRecord[],
  arms: readonly EvalArm[],
  baselineArmId: string | null,
): Map<string, Map<string, number>> {
  const known = new Set(arms.map((a) => a.id));
  const verdicts = new Map<string, Map<string, number[]>>();
  for (const j of judgements) {
    // Judgements against another baseline measure something else.
    if (j.winner === null || !known.has(j.armId)) continue;
    if (baselineArmId !== null && j.baselineArmId !== baselineArmId) continue;
    const items = verdicts.get(j.armId) ?? new Map<string, number[]>();
    items.set(j.itemId, [...(items.get(j.itemId) ?? []), WIN_VALUE[j.winner]]);
    verdicts.set(j.armId, items);
  }
  const wins = new Map<string, Map<string, number>>();
  const judged = new Set<string>();
  for (const [armId, items] of verdicts) {
    const perItem = new Map<string, number>();
    for (const [itemId, values] of items) {
      perItem.set(itemId, sum(values) / values.length);
      judged.add(itemId);
    }
    wins.set(armId, perItem);
  }
  if (baselineArmId !== null && arms.some((a) => a.id === baselineArmId) && judged.size > 0) {
    wins.set(baselineArmId, new Map([...judged].map((itemId) => [itemId, 0.5])));
  }
  return wins;
}

/** The single model with the best measure; of equals, the cheaper per item, then the first listed. */
function bestSingle(figures: readonly ArmFigures[]): ArmFigures | null {
  let best: ArmFigures | null = null;
  for (const f of figures) {
    if (f.arm.kind !== 'model' || f.measure === null) continue;
    if (best === null || best.measure === null || f.measure > best.measure) best = f;
    else if (f.measure === best.measure && (f.meanCostUsd ?? Infinity) < (best.meanCostUsd ?? Infinity)) best = f;
  }
  return best;
}

/** Paired over the items both answered, in points (×100), so item difficulty cancels out. */
function compare(f: ArmFigures, best: ArmFigures): ArmSummary['vsBest'] {
  const differences: number[] = [];
  for (const [itemId, value] of f.perItem) {
    const other = best.perItem.get(itemId);
    if (other !== undefined) differences.push((value - other) * 100);
  }
  if (differences.length === 0) return null;
  const { mean, low, high } = pairedBootstrap(differences);
  return { delta: mean, low, high };
}

/** Extra dollars per item for each point gained; 0 when the gain comes free, null when there is no gain. */
function costPerPoint(f: ArmFigures, best: ArmFigures, delta: number): number | null {
  if (delta <= 0 || f.meanCostUsd === null || best.meanCostUsd === null) return null;
  const extra = f.meanCostUsd - best.meanCostUsd;
  return extra > COST_EPSILON ? extra / delta : 0;
}

/** Nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}

function meanOf(values: readonly number[]): number | null {
  return values.length === 0 ? null : sum(values) / values.length;
}
