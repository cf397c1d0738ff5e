import type { AnalysisError } from '../api/analysis.dto';
import type { AnalysisStatus, OutputStatus } from '../analyses/status';
import type { ModelId } from '../models/model-id';
import type { StageName } from '../patterns/patterns';

/**
 * What happened to an analysis, as results publishes it on Redis pub/sub once the change is stored. The push
 * channel (SSE) relays these; a client that misses one loses nothing, because the store stays the truth.
 */
export const AnalysisEventType = {
  Status: 'analysis.status',
  StageRecorded: 'stage.recorded',
} as const;
export type AnalysisEventType = (typeof AnalysisEventType)[keyof typeof AnalysisEventType];

export interface AnalysisStatusEvent {
  type: typeof AnalysisEventType.Status;
  analysisId: string;
  status: AnalysisStatus;
  error: AnalysisError | null;
  at: string;
}

export interface StageRecordedEvent {
  type: typeof AnalysisEventType.StageRecorded;
  analysisId: string;
  stage: StageName;
  stageIndex: number;
  label: string;
  kind: 'generate' | 'aggregate' | 'skipped';
  round: number;
  outputs: { model: ModelId; sample: number; status: OutputStatus }[];
  at: string;
}

export type AnalysisEvent = AnalysisStatusEvent | StageRecordedEvent;

/** The Redis pub/sub channel of one analysis' events. */
export function analysisEventsChannel(queuePrefix: string, analysisId: string): string {
  return `${queuePrefix}:events:${analysisId}`;
}

/**
 * The Redis stream of one analysis' token deltas, written by provider-workers while models stream: entries
 * `{stage, stageIndex, model, sample?, attempt, text}` in arrival order (`sample` only for a model's samples above
 * 0), then `{stage, stageIndex, model, sample?, attempt, status}` when the attempt ends —
 * `done`, `failed`, or `retrying` (the next attempt streams the answer again from the start, so a reader drops
 * that model's text of earlier attempts).
 */
export function analysisDeltasStream(queuePrefix: string, analysisId: string): string {
  return `${queuePrefix}:deltas:${analysisId}`;
}

/**
 * Cancellation: the gateway sets this key (so a step that starts later still sees it) and publishes the analysis
 * id on `analysisCancelChannel`, on which provider-workers abort the calls they hold for it.
 */
export function analysisCancelledKey(queuePrefix: string, analysisId: string): string {
  return `${queuePrefix}:cancelled:${analysisId}`;
}

export function analysisCancelChannel(queuePrefix: string): string {
  return `${queuePrefix}:cancel`;
}
