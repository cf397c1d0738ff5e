export const AnalysisStatus = {
  Queued: 'queued',
  Running: 'running',
  Completed: 'completed',
  Failed: 'failed',
} as const;
export type AnalysisStatus = (typeof AnalysisStatus)[keyof typeof AnalysisStatus];

export const StageStatus = {
  Pending: 'pending',
  Running: 'running',
  Completed: 'completed',
  Failed: 'failed',
  /** The analysis ended before this stage ran. */
  Skipped: 'skipped',
} as const;
export type StageStatus = (typeof StageStatus)[keyof typeof StageStatus];

export const OutputStatus = {
  Completed: 'completed',
  Failed: 'failed',
} as const;
export type OutputStatus = (typeof OutputStatus)[keyof typeof OutputStatus];
