/**
 * What the evaluation harness' parts agree on: suites hold items, the runner asks Ultra each item once per arm
 * (a pattern over the panel, or one model alone) and appends one record per answer, scoring turns answers into
 * points, and the report compares the arms.
 */

/** How an item is scored. */
export type ItemKind = 'numeric' | 'choice' | 'open';

export interface EvalItem {
  /** Unique within the suite; records and resumption refer to it. */
  id: string;
  kind: ItemKind;
  /** What is sent to Ultra as the prompt (for `choice`, the question with its lettered options). */
  question: string;
  /** numeric: the number as text ("42", "3.5"); choice: the letter ("B"); open: a reference answer, if any. */
  answer?: string;
  /** choice: the options in order, lettered A, B, C, … in the question. */
  choices?: string[];
  /** numeric: accepted absolute difference (default 1e-6, relative 1e-4 for large numbers). */
  tolerance?: number;
}

export interface EvalSuite {
  /** A built-in suite's name, or the file's base name. */
  name: string;
  items: EvalItem[];
}

/**
 * One way of answering: a pattern over the panel (`pattern:critique`), or one model alone through the `direct`
 * pattern (`model:openai:gpt-4o`).
 */
export interface EvalArm {
  id: string;
  kind: 'pattern' | 'model';
  pattern: string;
  models: string[];
  ultraModel?: string;
}

/** One answer of one arm to one item, as appended to `answers.jsonl` (one JSON object per line). */
export interface AnswerRecord {
  type: 'answer';
  itemId: string;
  armId: string;
  /** The analysis that answered (null when it could not be started). */
  analysisId: string | null;
  status: 'completed' | 'failed';
  /** The final answer's text; null when the analysis failed. */
  text: string | null;
  /** Why it failed, naming the model and category when Ultra did. */
  error?: string;
  costUsd: number;
  latencyMs: number;
  /** numeric and choice items: 1 when right, 0 when wrong (a failed answer scores 0). Open items: absent. */
  score?: number;
  /** What was read out of the text for scoring (the number or the letter), for the report's examples. */
  extracted?: string | null;
}

/** One pairwise judgement of an open item, appended to `answers.jsonl` as well. */
export interface JudgementRecord {
  type: 'judgement';
  itemId: string;
  /** The arm judged against the baseline. */
  armId: string;
  baselineArmId: string;
  /** Each order once: `armFirst` shows the arm's answer as A, the other shows the baseline's as A. */
  order: 'armFirst' | 'baselineFirst';
  /** Which answer the judge preferred, in terms of arms: 'arm', 'baseline' or 'tie'; null when unreadable. */
  winner: 'arm' | 'baseline' | 'tie' | null;
  analysisId: string | null;
  costUsd: number;
}

export type EvalRecord = AnswerRecord | JudgementRecord;

/** Per arm, as the report shows it. */
export interface ArmSummary {
  armId: string;
  kind: EvalArm['kind'];
  /** Items answered (records present). */
  items: number;
  failed: number;
  /** Mean score over scored items (numeric/choice), 0–1; null when there are none. */
  accuracy: number | null;
  /** Win rate against the baseline over open items, ties counting half, 0–1; null when not judged. */
  winRate: number | null;
  costUsd: number;
  /** Of the judge's calls for this arm. */
  judgeCostUsd: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /**
   * Against the best single model (by the same measure): the mean paired difference in points (percentage
   * points for accuracy) with a 95 % bootstrap interval; null for the best single model itself or without data.
   */
  vsBest: { delta: number; low: number; high: number } | null;
  /** Extra cost per item over the best single model, per point gained; null when it gains nothing. */
  costPerPoint: number | null;
}

export interface EvalReport {
  suite: string;
  createdAt: string;
  arms: ArmSummary[];
  /** The single model that scored best, the baseline of vsBest. */
  bestSingle: string | null;
  judge: string | null;
  /** What open answers were judged against: an arm id or 'reference'; null without open items. */
  baseline: string | null;
  /** Judgements whose verdict could not be read (no final [[A]], [[B]] or [[tie]]): left out of the win rates. */
  unreadableVerdicts: number;
  judgements: number;
  totalCostUsd: number;
  /** Items of the suite, and how many each arm answered. */
  itemCount: number;
  /** Whether the run was stopped by the budget before every item was answered. */
  stoppedByBudget: boolean;
}
