import { Inject, Injectable } from '@nestjs/common';
import { type AnalysisResult, AnalysisStatus, PushEventType, type UnstampedPushEvent } from '@ultra/contracts';
import { APP_CONFIG, appendPushEvents, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import type { AnalysisEntity } from '../analyses/analysis.entity';
import { toolFieldsOf } from '../analyses/analysis-view.mapper';
import type { ResultsConfig } from '../config/results.config';

/** Keys of the result that its named data cannot overwrite. */
const RESULT_FIELDS = new Set(['model', 'text', 'stage', 'toolCalls', 'finishReason']);

function resultOf(analysis: AnalysisEntity): AnalysisResult | null {
  const { resultModel: model, resultText: text, resultStage: stage } = analysis;
  if (model === null || text === null || stage === null) return null;
  const data = Object.entries(analysis.resultData ?? {}).filter(([name]) => !RESULT_FIELDS.has(name));
  return { model, text, stage, ...Object.fromEntries(data), ...toolFieldsOf(analysis) };
}

/** The final push event of an ended analysis, as stored; undefined while it runs. */
export function finalEventOf(analysis: AnalysisEntity): UnstampedPushEvent | undefined {
  const analysisId = analysis.id;
  if (analysis.status === AnalysisStatus.Completed) {
    return { type: PushEventType.AnalysisCompleted, analysisId, result: resultOf(analysis) };
  }
  if (analysis.status === AnalysisStatus.Failed) {
    const error = analysis.error ?? { code: 'failed', message: 'the analysis failed' };
    return { type: PushEventType.AnalysisFailed, analysisId, error };
  }
  return undefined;
}

/**
 * Writes the last event of an analysis' push stream (analysis.completed or analysis.failed), from what was
 * stored, once the end is stored: a client that reads it can fetch the analysis and find it ended. Every path that
 * sees the analysis ended writes it again; the stream keeps only the first, so a re-delivered job that stored
 * the end but lost the event (Redis failed in between) still completes the stream.
 */
@Injectable()
export class AnalysisEventsPublisher {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: ResultsConfig,
  ) {}

  /** Throws when Redis refuses, so the job is retried: the stream must not stay open for ever. */
  async ended(analysis: AnalysisEntity): Promise<void> {
    const event = finalEventOf(analysis);
    if (!event) return;
    await appendPushEvents(
      this.redis,
      { queuePrefix: this.config.QUEUE_PREFIX, ttlS: this.config.ANALYSIS_EVENTS_TTL_S },
      analysis.id,
      [event],
    );
  }
}
