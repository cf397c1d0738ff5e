import type { Audit } from './audit';
import { failuresByModel, wronglyCategorised } from './audit';
import type { BreakerFigures } from './breaker-watch';
import type { Load } from './load';

/** What one scenario measured; docs/reliability.md is rendered from these. */
export interface ScenarioFigures {
  id: string;
  title: string;
  /** What was done to the system, in one sentence. */
  fault: string;
  ranAt: string;
  analyses: number;
  pattern: string;
  modelsPerAnalysis: number;
  completed: number;
  failed: number;
  failedByCode: Record<string, number>;
  lost: number;
  leftRunning: number;
  duplicates: number;
  submit503: number;
  refused: number;
  /** Submissions the preflight refused (400) because a model's breaker was open and it had no fallback. */
  preflightRefused: number;
  /** Seconds from the fault (or the last submission) until every accepted analysis had ended; null: never. */
  drainS: number | null;
  breakers: BreakerFigures;
  /** Model calls retried after a failure (worker log `model call failed` with willRetry). */
  retries: number;
  retriesByCategory: Record<string, number>;
  failedOutputs: Record<string, Record<string, number>>;
  vendorRequests: number;
  faultsInjected?: Record<string, Record<string, number>>;
  /** Every invariant the scenario found broken, in words; empty when it passed. */
  violations: string[];
}

export interface Expectations {
  /** Every analysis must complete: nothing made a model fail for good. */
  allComplete: boolean;
  /** Failure categories a model's output may end with. */
  allowedCategories: string[];
}

/** Checks every invariant of the issue against the audit; returns the broken ones, described. */
export function violationsOf(audit: Audit, load: Load, drainMs: number | null, expect: Expectations): string[] {
  const found: string[] = [];
  const sample = <T>(items: T[]) => JSON.stringify(items.slice(0, 3)).slice(0, 600);
  if (load.refused.length) found.push(`${load.refused.length} submissions refused: ${sample(load.refused)}`);
  if (audit.lost.length) found.push(`${audit.lost.length} accepted analyses lost (no row): ${sample(audit.lost)}`);
  if (audit.notEnded.length) {
    found.push(
      `${audit.notEnded.length} analyses left queued/running: ${sample(audit.notEnded.map((a) => `${a.id} ${a.status}`))}`,
    );
  }
  if (drainMs === null) found.push('the analyses did not all end within the drain timeout');
  if (audit.duplicates.length)
    found.push(`${audit.duplicates.length} duplicate output rows: ${sample(audit.duplicates)}`);
  if (expect.allComplete && audit.failed.length) {
    found.push(`${audit.failed.length} analyses failed although no model failed for good: ${sample(audit.failed)}`);
  }
  const wrong = wronglyCategorised(audit);
  if (wrong.length) found.push(`${wrong.length} failed analyses without their true cause: ${sample(wrong)}`);
  const allowed = new Set(expect.allowedCategories);
  for (const [model, categories] of Object.entries(failuresByModel(audit.outputs))) {
    const odd = Object.entries(categories).filter(([category]) => !allowed.has(category));
    if (odd.length) found.push(`${model} has outputs failed as ${odd.map(([c, n]) => `${c} ×${n}`).join(', ')}`);
  }
  return found;
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
