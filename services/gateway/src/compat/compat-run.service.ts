import type { ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { ApiErrorCode } from '@ultra/contracts';
import { ApiException } from '@ultra/platform';
import { AnalysisEventStreamService } from '../events/analysis-event-stream.service';
import { CompatAnalysisService } from './compat-analysis.service';
import type { CompatAnswer, CompatRequest } from './compat-request';
import { type CompatEvent, CompatStreamTranslator } from './compat-stream.translator';

/** A compatible call under way: its analysis, and its events until the answer (null: a quiet heartbeat period). */
export interface CompatRun {
  analysisId: string;
  events: AsyncGenerator<CompatEvent | null>;
}

/** The answer of a run that is not streamed: its `done`, or the analysis' failure as 502 analysis_failed. */
export async function answerOf(run: CompatRun): Promise<CompatAnswer> {
  for await (const event of run.events) {
    if (event?.kind === 'done') return event.answer;
    if (event?.kind === 'failed') {
      throw new ApiException(ApiErrorCode.AnalysisFailed, `analysis ${run.analysisId} failed: ${event.error.message}`, {
        analysisId: run.analysisId,
        ...event.error,
      });
    }
  }
  // The client left (the analysis is cancelled) or the stream broke off: nobody reads this answer.
  throw new ApiException(ApiErrorCode.ServiceUnavailable, `the event stream of analysis ${run.analysisId} ended early`);
}

/**
 * Starts the analysis a compatible request stands for and follows its push stream (the same Redis stream SSE
 * clients read) through the translator. The run ends with `done` or `failed`; if it ends otherwise (the client
 * closed `response`, or the stream broke) the analysis is cancelled, so no further calls reach a provider.
 */
@Injectable()
export class CompatRunService {
  constructor(
    private readonly analyses: CompatAnalysisService,
    private readonly streams: AnalysisEventStreamService,
  ) {}

  async start(request: CompatRequest, response: ServerResponse, userId: string, requestId: string): Promise<CompatRun> {
    this.streams.checkCapacity();
    const started = await this.analyses.start(request, userId, requestId);
    const translator = new CompatStreamTranslator(started.analysisId, started.spec, started.showStages);
    return {
      analysisId: started.analysisId,
      events: this.follow(started.analysisId, translator, response, userId, requestId),
    };
  }

  private async *follow(
    analysisId: string,
    translator: CompatStreamTranslator,
    response: ServerResponse,
    userId: string,
    requestId: string,
  ): AsyncGenerator<CompatEvent | null> {
    let ended = false;
    try {
      const items = this.streams.events(response, { view: { id: analysisId, status: 'queued' }, userId, requestId });
      for await (const item of items) {
        if (!item) {
          yield null;
          continue;
        }
        for (const event of translator.translate(item.event)) {
          ended ||= event.kind === 'done' || event.kind === 'failed';
          yield event;
        }
        if (ended) return;
      }
    } finally {
      if (!ended) await this.analyses.cancel(analysisId, userId, requestId);
    }
  }
}
