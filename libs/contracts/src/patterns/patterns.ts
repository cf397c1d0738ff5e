/**
 * Pattern metadata that every service agrees on. How each stage builds its prompts lives in the orchestrator;
 * here are only the ids, names and stage order that the API, the results store and the UI show.
 */
export const StageName = {
  Initial: 'initial',
  Meta: 'meta',
  Hyper: 'hyper',
  Ultra: 'ultra',
} as const;
export type StageName = (typeof StageName)[keyof typeof StageName];
export const stageNames = Object.values(StageName) as [StageName, ...StageName[]];

export const PatternId = {
  Confidence: 'confidence',
  Critique: 'critique',
} as const;
export type PatternId = (typeof PatternId)[keyof typeof PatternId];
export const patternIds = Object.values(PatternId) as [PatternId, ...PatternId[]];

export interface PatternInfo {
  id: PatternId;
  name: string;
  description: string;
  stages: StageName[];
}

const fourStages: StageName[] = [StageName.Initial, StageName.Meta, StageName.Hyper, StageName.Ultra];

export const patterns: Record<PatternId, PatternInfo> = {
  confidence: {
    id: PatternId.Confidence,
    name: 'Confidence',
    description:
      'Every model answers, reviews the others and states how confident it is in each claim; each revises, and the ultra model synthesizes the claims the models agree on most confidently.',
    stages: fourStages,
  },
  critique: {
    id: PatternId.Critique,
    name: 'Critique',
    description:
      'Every model answers, then critiques the other answers for errors, gaps and weak reasoning; each revises under that critique, and the ultra model synthesizes the strongest revised answer.',
    stages: fourStages,
  },
};

export const DEFAULT_PATTERN: PatternId = PatternId.Confidence;

export function isPatternId(value: string): value is PatternId {
  return Object.hasOwn(patterns, value);
}
