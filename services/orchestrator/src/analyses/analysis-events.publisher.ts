import { Inject, Injectable } from '@nestjs/common';
import { PushEventType, type StageRecordJob, stageRunStatus, type UnstampedPushEvent } from '@ultra/contracts';
import { APP_CONFIG, appendPushEvents, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import type { Step } from '../patterns/next-step';

type Launch = Extract<Step, { kind: 'launch' }>;

/** A stored run's events: started (once, whoever wrote it first), its aggregate, completed. */
function runEvents(record: StageRecordJob): UnstampedPushEvent[] {
  const { analysisId, stage, stageIndex, label, kind, round } = record;
  const ref = { analysisId, stage, stageIndex, label, kind, round };
  const calls = record.outputs.map(({ model, sample }) => ({ model, sample }));
  return [
    { type: PushEventType.StageStarted, ...ref, calls },
    ...(record.aggregate
      ? [{ type: PushEventType.AggregateCompleted, ...ref, aggregate: record.aggregate } as const]
      : []),
    {
      type: PushEventType.StageCompleted,
      ...ref,
      status: stageRunStatus(kind, record.outputs),
      outputs: record.outputs.map(({ model, sample, status, error, usage }) => ({
        model,
        sample,
        status,
        ...(error && { error }),
        usage,
      })),
      ...(record.note && { note: record.note }),
    },
  ];
}

/**
 * Writes the orchestrator's part of the push stream (analysis.started, each run's stage events, stage.started of
 * the next launch) before that launch, so a client reads a stage's end before the next stage's output. Runs the
 * orchestrator decides in place (aggregates, skips) are announced here too. Re-delivered steps add nothing twice.
 */
@Injectable()
export class AnalysisEventsPublisher {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: OrchestratorConfig,
    private readonly logger: PinoLogger,
  ) {}

  async progress(analysisId: string, records: StageRecordJob[], launch?: Launch): Promise<void> {
    const events: UnstampedPushEvent[] = [
      { type: PushEventType.AnalysisStarted, analysisId },
      ...records.flatMap(runEvents),
    ];
    if (launch) {
      const { stage, index, round, calls } = launch;
      events.push({
        type: PushEventType.StageStarted,
        analysisId,
        stage: stage.id,
        stageIndex: index,
        label: stage.label,
        kind: 'generate',
        round,
        calls: calls.map(({ model, sample }) => ({ model, sample })),
      });
    }
    try {
      await appendPushEvents(
        this.redis,
        { queuePrefix: this.config.QUEUE_PREFIX, ttlS: this.config.ANALYSIS_EVENTS_TTL_S },
        analysisId,
        events,
      );
    } catch (error) {
      // Best effort: the analysis goes on; a client reading the stream still gets the stored end from results.
      this.logger.warn({ err: error }, 'could not publish stage events');
    }
  }
}
