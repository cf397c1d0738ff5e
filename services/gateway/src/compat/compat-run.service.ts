import type { ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { ApiErrorCode } from '@ultra/contracts';
import { ApiException, REQUEST_ID_HEADER } from '@ultra/platform';
import type { FastifyReply } from 'fastify';
import { AnalysisEventStreamService } from '../events/analysis-event-stream.service';
import { CompatAnalysisService } from './compat-analysis.service';
import type { CompatError } from './compat-error.filter';
import { ANALYSIS_ID_HEADER, type CompatAnswer, type CompatRequest } from './compat-request';
import { type CompatEvent, CompatStreamTranslator } from './compat-stream.translator';

/** A compatible call under way: its analysis, and its events until the answer (null: a quiet heartbeat period). */
export interface CompatRun {
  analysisId: string;
  events: AsyncGenerator<CompatEvent | null>;
}

/** A vendor's stream of a run: its head, each event in its frames (true once ended), and a failure after the head. */
export interface CompatStreamWriter {
  open(headers: Record<string, string>): void;
  write(event: CompatEvent | null): boolean;
  fail(error: CompatError): void;
}

/**
 * Answers a compatible call the one way all three APIs do: with `body` (the vendor's JSON, built once the answer is
 * there) or, for a stream, through `writer` on the hijacked response. Both carry the analysis id header.
 */
export async function replyTo(
  reply: FastifyReply,
  run: CompatRun,
  requestId: string,
  answer: { body: () => Promise<unknown> } | { writer: CompatStreamWriter },
): Promise<void> {
  const headers = { [ANALYSIS_ID_HEADER]: run.analysisId, [REQUEST_ID_HEADER]: requestId };
  if ('body' in answer) {
    const body = await answer.body();
    await reply.headers(headers).send(body);
    return;
  }
  reply.hijack();
  answer.writer.open(headers);
  try {
    for await (const event of run.events) if (answer.writer.write(event)) break;
  } catch (error) {
    answer.writer.fail({
      status: 500,
      code: 'internal_error',
      message: `the stream broke off: ${String(error)}`,
      param: null,
    });
  } finally {
    if (!reply.raw.writableEnded) reply.raw.end();
  }
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
