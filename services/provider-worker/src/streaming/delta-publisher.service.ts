import { Inject, Injectable } from '@nestjs/common';
import {
  ANALYSIS_EVENTS_MAX_ENTRIES,
  analysisEventsStream,
  type ModelCallJob,
  type OutputError,
  type OutputRef,
  PUSH_EVENT_FIELD,
  PushEventType,
  type ToolCall,
  type UnstampedPushEvent,
  type Usage,
} from '@ultra/contracts';
import { APP_CONFIG, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import type { WorkerConfig } from '../config/worker.config';

/** How a call ended: `retrying` means another attempt or a fallback model will stream the answer again. */
export type DeltaOutcome = 'done' | 'failed' | 'retrying';

/** What the end event carries: the usage of an answer (its tool calls and finish reason), or the failure. */
export interface DeltaEnd {
  usage?: Usage;
  toolCalls?: ToolCall[];
  finishReason?: string | null;
  error?: OutputError;
}

export interface DeltaSink {
  push(text: string): void;
  /** Sends what is buffered and the end event in one round trip, at once; resolves when written. */
  close(outcome: DeltaOutcome, end?: DeltaEnd): Promise<unknown>;
}

/** Which call a delta stream belongs to: the fields every event of it carries. */
export type DeltaSource = Pick<ModelCallJob, 'stage' | 'stageIndex' | 'model' | 'sample'>;

function endEvent(analysisId: string, ref: OutputRef, outcome: DeltaOutcome, end: DeltaEnd): UnstampedPushEvent {
  switch (outcome) {
    case 'done':
      return {
        type: PushEventType.OutputCompleted,
        analysisId,
        ...ref,
        ...(end.usage && { usage: end.usage }),
        ...(end.toolCalls?.length && { toolCalls: end.toolCalls }),
        ...(end.finishReason !== undefined && { finishReason: end.finishReason }),
      };
    case 'retrying':
      return { type: PushEventType.OutputRetrying, analysisId, ...ref, ...end.error };
    case 'failed':
      return {
        type: PushEventType.OutputFailed,
        analysisId,
        ...ref,
        category: end.error?.category ?? 'internal',
        message: end.error?.message ?? `${ref.model} failed`,
      };
  }
}

/**
 * Writes a streaming call's token deltas to the analysis' push-event stream (output.delta, then output.completed,
 * output.failed or output.retrying): at most one XADD per DELTA_FLUSH_MS per call, so streaming costs a few round
 * trips per answer, not one per token, and a piece that comes after a quiet interval goes at once. Best effort: a lost delta never fails the call, whose full text
 * is stored anyway.
 */
@Injectable()
export class DeltaPublisher {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: WorkerConfig,
    private readonly logger: PinoLogger,
  ) {}

  /** `attempt` (1 for the first) tells a reader that a retried call starts its text again. */
  open(analysisId: string, source: DeltaSource, attempt: number): DeltaSink {
    const key = analysisEventsStream(this.config.QUEUE_PREFIX, analysisId);
    const { stage, stageIndex, model, sample } = source;
    const ref: OutputRef = { stage, stageIndex, model, sample, attempt };
    let buffer = '';
    let timer: NodeJS.Timeout | undefined;
    let written: Promise<unknown> = Promise.resolve();
    // When this call last wrote (performance.now()); -Infinity so that the first piece goes at once.
    let lastWrite = -Infinity;
    let soon: NodeJS.Immediate | undefined;
    // Each write is sent at once, on the one shared connection: Redis runs them in order, and an end event is on
    // the wire before the task returns, so it precedes the stage's next events without being awaited.
    const write = (events: UnstampedPushEvent[]) => {
      if (events.length === 0) return;
      lastWrite = performance.now();
      const multi = this.redis.multi();
      const at = new Date().toISOString();
      for (const event of events) {
        const json = JSON.stringify({ ...event, at });
        multi.xadd(key, 'MAXLEN', '~', ANALYSIS_EVENTS_MAX_ENTRIES, '*', PUSH_EVENT_FIELD, json);
      }
      written = multi
        .expire(key, this.config.ANALYSIS_EVENTS_TTL_S)
        .exec()
        .catch((error: unknown) => this.logger.warn({ err: error, model }, 'could not publish token deltas'));
    };
    const take = (): UnstampedPushEvent[] => {
      clearTimeout(timer);
      clearImmediate(soon);
      timer = undefined;
      soon = undefined;
      const text = buffer;
      buffer = '';
      return text ? [{ type: PushEventType.OutputDelta, analysisId, ...ref, text }] : [];
    };
    return {
      push: (text) => {
        buffer += text;
        if (!buffer || soon || timer) return;
        // Leading edge: a piece goes as soon as this turn of the event loop ends (pieces of the same read still share
        // one write) unless the call wrote less than DELTA_FLUSH_MS ago; then it waits for the rest of that interval.
        // A reader gets each token at once when tokens come slower than the interval, and batches when faster.
        const wait = lastWrite + this.config.DELTA_FLUSH_MS - performance.now();
        if (wait <= 0) soon = setImmediate(() => write(take()));
        else timer = setTimeout(() => write(take()), wait);
      },
      close: (outcome, end = {}) => {
        write([...take(), endEvent(analysisId, ref, outcome, end)]);
        return written;
      },
    };
  }
}
