import {
  type AnalysisSpec,
  ErrorCategory,
  errorCategorySchema,
  type ModelCallResult,
  type SCHEMA_VERSION,
  type StageCollectJob,
  type StageRecordJob,
  type StageRun,
} from '@ultra/contracts';
import { type AnalysisState, stageOf } from '../patterns/run-state';

/** The fields every job of an analysis carries. */
export interface Envelope {
  schemaVersion: typeof SCHEMA_VERSION;
  analysisId: string;
  requestId: string;
}

/** What the orchestrator keeps of a collected run: enough for later prompts, aggregates and decisions. */
export function runOf(job: StageCollectJob, outputs: ModelCallResult[]): StageRun {
  return {
    index: job.stageIndex,
    stage: job.stage,
    kind: 'generate',
    round: job.round,
    outputs: outputs.map((o) => ({
      model: o.model,
      sample: o.sample,
      status: o.status,
      text: o.text,
      data: o.data ?? null,
      dataError: o.dataError ?? null,
      category: o.error?.category ?? null,
      // Kept for the result: the answering output's tool calls and finish reason reach the client.
      ...(o.toolCalls?.length && { toolCalls: o.toolCalls }),
      ...(o.finishReason != null && { finishReason: o.finishReason.slice(0, 100) }),
    })),
  };
}

/** The results job that stores a run: a generate run's outputs in full, an aggregate's result, or a skip. */
export function recordOf(
  envelope: Envelope,
  state: AnalysisState,
  run: StageRun,
  outputs: ModelCallResult[],
  note?: string,
): StageRecordJob {
  const record: StageRecordJob = {
    ...envelope,
    stage: run.stage,
    stageIndex: run.index,
    label: stageOf(state, run.stage)?.label ?? run.stage,
    kind: run.kind,
    round: run.round,
    outputs,
  };
  if (run.aggregate) record.aggregate = run.aggregate;
  if (note) record.note = note;
  return record;
}

/**
 * A rerun's reused runs, each with the record that stores it in the new analysis: the source's outputs marked
 * reused, with no cost and no latency, since no call is made again.
 */
export function reusedRuns(envelope: Envelope, spec: AnalysisSpec): { run: StageRun; record: StageRecordJob }[] {
  const state: AnalysisState = { analysisId: envelope.analysisId, spec, runs: [] };
  return (spec.reuse?.runs ?? []).map((source, index) => {
    const run: StageRun = { ...source, index };
    return { run, record: recordOf(envelope, state, run, run.outputs.map(reusedOutput)) };
  });
}

function reusedOutput(o: StageRun['outputs'][number]): ModelCallResult {
  const category = errorCategorySchema.safeParse(o.category).data ?? ErrorCategory.Internal;
  return {
    model: o.model,
    sample: o.sample,
    status: o.status,
    text: o.text,
    error: o.status === 'failed' ? { category, message: `${o.model}: failed in the source analysis` } : null,
    latencyMs: 0,
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    finishReason: o.finishReason ?? null,
    data: o.data ?? null,
    dataError: o.dataError ?? null,
    ...(o.toolCalls && { toolCalls: o.toolCalls }),
    reused: true,
  };
}
