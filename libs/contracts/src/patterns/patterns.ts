import type { StageId } from './pattern-spec';

/**
 * The pattern an analysis runs when the request names none. Patterns themselves are documents (pattern-spec.ts)
 * loaded by the gateway from config/patterns, ULTRA_PATTERNS_DIR and users' own.
 */
export const DEFAULT_PATTERN = 'confidence';

/** A stage's name as the API and the results store show it: its id in the pattern. */
export type StageName = StageId;

/** One entry of `GET /api/patterns`: what a client needs to pick a pattern and show its outline. */
export interface PatternInfo {
  id: string;
  name: string;
  description: string;
  /** `builtin` for Ultra's own and ULTRA_PATTERNS_DIR's, `user` for the caller's. */
  source: 'builtin' | 'user';
  params: Record<
    string,
    { type: 'integer' | 'number'; default: number; min: number; max: number; description: string }
  >;
  stages: { id: string; label: string; kind: 'generate' | 'aggregate'; description?: string }[];
}
