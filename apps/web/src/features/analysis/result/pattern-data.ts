import type { AnalysisView } from '@ultra/contracts';

/** The shapes of the orchestrator's aggregates (services/orchestrator/src/aggregates), read defensively. */
export type AgreementLevel = 'very_high' | 'high' | 'medium' | 'low';
export interface Unparsed {
  model: string;
  reason: string;
}
export interface AgreementData {
  points: { claim: string; models: string[]; confidence: Record<string, string>; level: AgreementLevel }[];
  reviewers: number;
  unparsed: Unparsed[];
}
export interface RankingData {
  ranking: { model: string; points: number; meanPosition: number | null; votes: number }[];
  voters: number;
  unparsed: Unparsed[];
  selfVotesIgnored: number;
}
export interface VotesData {
  tally: { model: string; votes: number }[];
  winner: string | null;
  tied: string[];
  unparsed: Unparsed[];
  selfVotesIgnored: number;
}

export type PatternData =
  | { kind: 'agreement'; title: string; data: AgreementData }
  | { kind: 'ranking'; title: string; data: RankingData }
  | { kind: 'votes'; title: string; data: VotesData };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const listOf = (value: unknown, key: string): boolean =>
  isObject(value) && Array.isArray(value[key]) && value[key].every(isObject);

/** Which view an aggregate's result has, by its shape: the UI never keys on a pattern's name. */
export function classify(title: string, value: unknown): PatternData | null {
  if (!isObject(value)) return null;
  const unparsed = Array.isArray(value.unparsed) ? (value.unparsed as Unparsed[]) : [];
  if (listOf(value, 'points')) {
    return { kind: 'agreement', title, data: { ...(value as unknown as AgreementData), unparsed } };
  }
  if (listOf(value, 'ranking'))
    return { kind: 'ranking', title, data: { ...(value as unknown as RankingData), unparsed } };
  if (listOf(value, 'tally')) {
    const tied = Array.isArray(value.tied) ? (value.tied as string[]) : [];
    return { kind: 'votes', title, data: { ...(value as unknown as VotesData), tied, unparsed } };
  }
  return null;
}

/**
 * The pattern's data views: each aggregate stage's last run (a failed analysis keeps them too), else the named
 * data of the result.
 */
export function patternDataOf(analysis: AnalysisView): PatternData[] {
  const lastRun = new Map<string, { label: string; aggregate?: unknown }>();
  for (const stage of analysis.stages) {
    if (stage.kind === 'aggregate' && stage.aggregate) lastRun.set(stage.id, stage);
  }
  const fromStages = [...lastRun.values()].flatMap((s) => classify(s.label, s.aggregate) ?? []);
  if (fromStages.length > 0 || !analysis.result) return fromStages;
  return Object.entries(analysis.result).flatMap(([name, value]) => classify(name, value) ?? []);
}

export const LEVEL_TEXT: Record<AgreementLevel, string> = {
  very_high: 'Very high',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};
