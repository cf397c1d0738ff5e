import type { ModelId } from '@ultra/contracts';
import { aggregateOf, type AnalysisState } from './run-state';

/** The k best models of a borda ranking that are still in the analysis, best first. */
export function topOf(state: AnalysisState, aggregate: string, k: number, alive: readonly ModelId[]): ModelId[] {
  const ranking = aggregateOf(state, aggregate)?.ranking;
  const ranked = Array.isArray(ranking)
    ? ranking.flatMap((entry: unknown) => {
        const model = typeof entry === 'object' && entry !== null ? (entry as { model?: unknown }).model : undefined;
        return typeof model === 'string' && alive.includes(model) ? [model] : [];
      })
    : [];
  // Models the ranking left out (unparseable reviews) follow in the analysis' order, so k is met when it can be.
  const rest = alive.filter((m) => !ranked.includes(m));
  return [...ranked, ...rest].slice(0, Math.max(0, k));
}
