import { counterOf, histogramOf } from '@ultra/platform';
import type { AnalysisEntity } from '../analyses/analysis.entity';

const ANALYSIS_BUCKETS = [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800];

const analyses = counterOf({
  name: 'ultra_analyses_total',
  help: 'Analyses that ended, by pattern and final status (completed or failed).',
  labelNames: ['pattern', 'status'] as const,
});

const duration = histogramOf({
  name: 'ultra_analysis_duration_seconds',
  help: 'Time from submission to the end of an analysis, by pattern.',
  labelNames: ['pattern'] as const,
  buckets: ANALYSIS_BUCKETS,
});

/**
 * Users name their own patterns, so the label's values are capped: past this many distinct ids (the built-ins
 * are 17), further ones are counted as `other`.
 */
const MAX_PATTERN_LABELS = 64;
const patternLabels = new Set<string>();

function patternLabel(pattern: string): string {
  if (patternLabels.has(pattern)) return pattern;
  if (patternLabels.size >= MAX_PATTERN_LABELS) return 'other';
  patternLabels.add(pattern);
  return pattern;
}

/** Counts an analysis that has just ended here (the write that ended it succeeded), so a repeated finish counts once. */
export function recordAnalysisEnd(analysis: AnalysisEntity): void {
  const pattern = patternLabel(analysis.pattern);
  analyses.inc({ pattern, status: analysis.status });
  // Bookkeeping must never fail the job that ends the analysis: a row without its dates is counted, not timed.
  if (!(analysis.createdAt instanceof Date)) return;
  const endedAt = analysis.completedAt instanceof Date ? analysis.completedAt.getTime() : Date.now();
  duration.observe({ pattern }, Math.max(0, endedAt - analysis.createdAt.getTime()) / 1000);
}
