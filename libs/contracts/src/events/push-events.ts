import { z } from 'zod';
import type { AnalysisError, AnalysisResult, AnalysisView, StageView } from '../api/analysis.dto';
import type { OutputStatus, StageStatus } from '../analyses/status';
import type { ModelId } from '../models/model-id';
import type { StageName } from '../patterns/patterns';
import type { OutputError, Usage } from '../queues/job-payloads';
import type { ToolCall } from '../queues/tools';

/**
 * What `GET /api/analyses/:id/events` (SSE) relays, in this order per stage run: stage.started, the outputs'
 * events (generate runs), aggregate.completed (aggregate runs), stage.completed; analysis.started first and
 * analysis.completed or analysis.failed last. Each lives as one entry (field `event`, JSON) of the analysis'
 * Redis stream, whose entry id is the SSE `id:`.
 */
export const PushEventType = {
  AnalysisStarted: 'analysis.started',
  StageStarted: 'stage.started',
  OutputDelta: 'output.delta',
  OutputCompleted: 'output.completed',
  OutputFailed: 'output.failed',
  /** The text streamed so far for this output is void: another attempt (or a fallback model) starts again. */
  OutputRetrying: 'output.retrying',
  StageCompleted: 'stage.completed',
  AggregateCompleted: 'aggregate.completed',
  AnalysisCompleted: 'analysis.completed',
  AnalysisFailed: 'analysis.failed',
} as const;
export type PushEventType = (typeof PushEventType)[keyof typeof PushEventType];

interface Stamped {
  analysisId: string;
  /** ISO time the event was written. */
  at: string;
}

/** Names one output's attempt: deltas of attempt n + 1 restart the text after output.retrying. */
export interface OutputRef {
  stage: StageName;
  stageIndex: number;
  model: ModelId;
  sample: number;
  attempt: number;
}

interface StageRef {
  stage: StageName;
  stageIndex: number;
  label: string;
  kind: 'generate' | 'aggregate' | 'skipped';
  round: number;
}

export type PushEvent = Stamped &
  (
    | { type: typeof PushEventType.AnalysisStarted }
    | ({ type: typeof PushEventType.StageStarted; calls: { model: ModelId; sample: number }[] } & StageRef)
    | ({ type: typeof PushEventType.OutputDelta; text: string } & OutputRef)
    | ({
        type: typeof PushEventType.OutputCompleted;
        usage?: Usage;
        /** The tool calls the model asked for (calls made with tools), and why it stopped. */
        toolCalls?: ToolCall[];
        finishReason?: string | null;
      } & OutputRef)
    | ({ type: typeof PushEventType.OutputFailed } & OutputRef & OutputError)
    | ({ type: typeof PushEventType.OutputRetrying } & OutputRef & Partial<OutputError>)
    | ({
        type: typeof PushEventType.StageCompleted;
        status: StageStatus;
        outputs: { model: ModelId; sample: number; status: OutputStatus; error?: OutputError; usage: Usage }[];
        note?: string;
      } & StageRef)
    | ({ type: typeof PushEventType.AggregateCompleted; aggregate: Record<string, unknown> } & StageRef)
    | { type: typeof PushEventType.AnalysisCompleted; result: AnalysisResult | null }
    | { type: typeof PushEventType.AnalysisFailed; error: AnalysisError }
  );
export type PushEventOf<T extends PushEventType> = Extract<PushEvent, { type: T }>;
/** An event before it is stamped by its writer. */
export type UnstampedPushEvent = PushEvent extends infer E ? (E extends PushEvent ? Omit<E, 'at'> : never) : never;

export const isFinalPushEvent = (event: Pick<PushEvent, 'type'>): boolean =>
  event.type === PushEventType.AnalysisCompleted || event.type === PushEventType.AnalysisFailed;

/** The Redis stream of one analysis' push events. */
export function analysisEventsStream(queuePrefix: string, analysisId: string): string {
  return `${queuePrefix}:analysis-events:${analysisId}`;
}

/** Beside the stream: which once-only events (by `dedupKey`) were written, so a re-delivered job adds none twice. */
export function analysisEventsSeenKey(queuePrefix: string, analysisId: string): string {
  return `${queuePrefix}:analysis-events-seen:${analysisId}`;
}

/** Enough for a long run of streamed answers; trimming is approximate (XADD MAXLEN ~). */
export const ANALYSIS_EVENTS_MAX_ENTRIES = 100_000;

/** The field of a stream entry that holds the event's JSON. */
export const PUSH_EVENT_FIELD = 'event';

/** Every writer of the stream (provider-worker, orchestrator, results) reads this from its environment. */
export const analysisEventsEnv = {
  /** How long an analysis' push events stay in Redis after the last write; then the store answers alone. */
  ANALYSIS_EVENTS_TTL_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(86_400),
};

/** Once-only events carry a key: the writers' script adds an event only if its key was not seen yet. */
export function dedupKeyOf(event: UnstampedPushEvent): string {
  switch (event.type) {
    case PushEventType.AnalysisStarted:
      return 'started';
    case PushEventType.StageStarted:
    case PushEventType.StageCompleted:
    case PushEventType.AggregateCompleted:
      return `${event.type}:${event.stageIndex}`;
    case PushEventType.AnalysisCompleted:
    case PushEventType.AnalysisFailed:
      return 'end';
    default:
      return '';
  }
}

/**
 * KEYS: stream, seen hash. ARGV: max entries, TTL seconds, then (dedup key, JSON) pairs; an empty key always
 * adds. Atomic, so two writers of the same event (a re-delivered job) add it once. Returns the new entry ids.
 */
export const APPEND_PUSH_EVENTS_SCRIPT = `
local ids = {}
for i = 3, #ARGV, 2 do
  local key = ARGV[i]
  if key == '' or redis.call('HSETNX', KEYS[2], key, 1) == 1 then
    ids[#ids + 1] = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', '${PUSH_EVENT_FIELD}', ARGV[i + 1])
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
redis.call('EXPIRE', KEYS[2], ARGV[2])
return ids
`;

/** The script's ARGV after the first two: (dedup key, JSON) per event, each stamped with `at`. */
export function pushEventArgs(events: UnstampedPushEvent[], at = new Date().toISOString()): string[] {
  return events.flatMap((event) => [dedupKeyOf(event), JSON.stringify({ ...event, at })]);
}

/** Generate runs end failed when every output failed; aggregates complete; skipped runs stay skipped. */
export function stageRunStatus(kind: StageRef['kind'], outputs: { status: OutputStatus }[]): StageStatus {
  if (kind === 'skipped') return 'skipped';
  if (kind === 'generate' && outputs.length > 0 && outputs.every((o) => o.status === 'failed')) return 'failed';
  return 'completed';
}

function stageRef(stage: StageView & { index: number }): StageRef {
  return { stage: stage.id, stageIndex: stage.index, label: stage.label, kind: stage.kind, round: stage.round };
}

/** The last event of an ended analysis, from its stored view; undefined while it has not ended. */
export function finalPushEventOf(
  view: Pick<AnalysisView, 'id' | 'status' | 'result' | 'error'>,
): UnstampedPushEvent | undefined {
  const analysisId = view.id;
  if (view.status === 'completed') return { type: PushEventType.AnalysisCompleted, analysisId, result: view.result };
  if (view.status !== 'failed') return undefined;
  const error = view.error ?? { code: 'failed', message: 'the analysis failed' };
  return { type: PushEventType.AnalysisFailed, analysisId, error };
}

/**
 * The events of a stored analysis, for a client that connects once its Redis stream has expired: each output's
 * whole text as one delta. Ids are `0-<n>` in order, so a resume against a rebuilt stream is stable on any
 * gateway. Only meaningful for an analysis that has ended.
 */
export function pushEventsFromView(view: AnalysisView): { id: string; event: PushEvent }[] {
  const analysisId = view.id;
  const at = view.completedAt ?? view.updatedAt;
  const events: UnstampedPushEvent[] = [];
  if (view.stages.some((s) => s.index !== null)) events.push({ type: PushEventType.AnalysisStarted, analysisId });
  for (const stage of view.stages) {
    if (stage.index === null) continue;
    const ref = stageRef({ ...stage, index: stage.index });
    const calls = stage.outputs.map(({ model, sample }) => ({ model, sample }));
    events.push({ type: PushEventType.StageStarted, analysisId, ...ref, calls });
    for (const output of stage.outputs) {
      const out = {
        stage: ref.stage,
        stageIndex: ref.stageIndex,
        model: output.model,
        sample: output.sample,
        attempt: 1,
      };
      if (output.text) events.push({ type: PushEventType.OutputDelta, analysisId, ...out, text: output.text });
      events.push(
        output.status === 'failed'
          ? {
              type: PushEventType.OutputFailed,
              analysisId,
              ...out,
              category: output.error?.category ?? 'internal',
              message: output.error?.message ?? `${output.model} failed`,
            }
          : {
              type: PushEventType.OutputCompleted,
              analysisId,
              ...out,
              usage: output.usage,
              ...(output.toolCalls && { toolCalls: output.toolCalls }),
            },
      );
    }
    if (stage.aggregate) {
      events.push({ type: PushEventType.AggregateCompleted, analysisId, ...ref, aggregate: stage.aggregate });
    }
    events.push({
      type: PushEventType.StageCompleted,
      analysisId,
      ...ref,
      status: stageRunStatus(ref.kind, stage.outputs),
      outputs: stage.outputs.map(({ model, sample, status, error, usage }) => ({
        model,
        sample,
        status,
        ...(error && { error }),
        usage,
      })),
      ...(stage.note !== undefined && { note: stage.note }),
    });
  }
  const final = finalPushEventOf(view);
  if (final) events.push(final);
  return events.map((event, n) => ({ id: `0-${n + 1}`, event: { ...event, at } }));
}
