import { Inject, Injectable } from '@nestjs/common';
import { analysisDeltasStream, type ModelCallJob } from '@ultra/contracts';
import { APP_CONFIG, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import type { WorkerConfig } from '../config/worker.config';

/** Enough for several long answers; older deltas are trimmed. */
const STREAM_MAX_ENTRIES = 10_000;
const STREAM_TTL_S = 3_600;

/** How a call's attempt ended: `retrying` means another attempt will stream the answer again from the start. */
export type DeltaOutcome = 'done' | 'failed' | 'retrying';

export interface DeltaSink {
  push(text: string): void;
  /** Writes what is buffered and the end marker, in one round trip; resolves when written. */
  close(outcome: DeltaOutcome): Promise<unknown>;
}

/** Which call a delta stream belongs to: the fields every entry of it carries. */
export type DeltaSource = Pick<ModelCallJob, 'stage' | 'stageIndex' | 'model' | 'sample'>;

/**
 * Fields naming the call on each entry. The stage index tells rounds of a repeated stage apart; the sample is
 * written only when it is above 0, so that the several samples of one model streaming at once can be told apart
 * while ordinary calls keep the entry shape they always had.
 */
function sourceFields(source: DeltaSource, attempt: number): string[] {
  const fields = ['stage', source.stage, 'stageIndex', String(source.stageIndex), 'model', source.model];
  if (source.sample > 0) fields.push('sample', String(source.sample));
  return [...fields, 'attempt', String(attempt)];
}

/**
 * Writes a streaming call's token deltas to the analysis' Redis stream, batched: at most one XADD per
 * DELTA_FLUSH_MS per call, so streaming costs a few round trips per answer, not one per token. Best effort:
 * a lost delta never fails the call, whose full text is stored anyway.
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
    const key = analysisDeltasStream(this.config.QUEUE_PREFIX, analysisId);
    const naming = sourceFields(source, attempt);
    let buffer = '';
    let timer: NodeJS.Timeout | undefined;
    let pending: Promise<unknown> = Promise.resolve();
    // Entries of one write go out in one MULTI, after the previous write: deltas stay in order.
    const write = (entries: string[][]) => {
      if (entries.length === 0) return;
      pending = pending
        .then(() => {
          const multi = this.redis.multi();
          for (const fields of entries) {
            multi.xadd(key, 'MAXLEN', '~', STREAM_MAX_ENTRIES, '*', ...naming, ...fields);
          }
          return multi.expire(key, STREAM_TTL_S).exec();
        })
        .catch((error: unknown) =>
          this.logger.warn({ err: error, model: source.model }, 'could not publish token deltas'),
        );
    };
    const take = (): string[][] => {
      clearTimeout(timer);
      timer = undefined;
      const text = buffer;
      buffer = '';
      return text ? [['text', text]] : [];
    };
    return {
      push: (text) => {
        buffer += text;
        timer ??= setTimeout(() => write(take()), this.config.DELTA_FLUSH_MS);
      },
      close: (outcome) => {
        write([...take(), ['status', outcome]]);
        return pending;
      },
    };
  }
}
