import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  type AnalysisPage,
  type AnalysisView,
  type AnalyzeAccepted,
  ApiErrorCode,
  SCHEMA_VERSION,
} from '@ultra/contracts';
import { z } from 'zod';
import { ApiException } from '../common/api-exception';
import { API_PREFIX } from '../common/http-setup';
import { AnalysisJobsProducer } from './analysis-jobs.producer';
import { AnalysisRequestValidator } from './analysis-request.validator';
import { type ListQuery, ResultsClient } from './results.client';

const analysisId = z.uuid();

class AnalysisNotFoundException extends ApiException {
  constructor(id: string) {
    super(ApiErrorCode.AnalysisNotFound, `analysis ${JSON.stringify(id)} not found`);
  }
}

@Injectable()
export class AnalysesService {
  private readonly logger = new Logger(AnalysesService.name);

  constructor(
    private readonly validator: AnalysisRequestValidator,
    private readonly results: ResultsClient,
    private readonly jobs: AnalysisJobsProducer,
  ) {}

  /**
   * Records the analysis with results first, then queues it: the row exists before the 202, so a GET right after
   * answers `queued`, and the orchestrator never runs an analysis that results does not know. When it cannot be
   * queued the row is removed again, so the caller's list never shows an analysis that will stay queued forever.
   */
  async start(body: unknown, userId: string, requestId: string): Promise<AnalyzeAccepted> {
    const spec = this.validator.validate(body);
    const id = randomUUID();
    await this.results.createAnalysis({ id, userId, requestId, ...spec });
    try {
      await this.jobs.start({ schemaVersion: SCHEMA_VERSION, analysisId: id, requestId, spec });
    } catch (error) {
      await this.discard(id, userId, requestId);
      throw error;
    }
    return { id, status: 'queued', links: { self: `/${API_PREFIX}/analyses/${id}` } };
  }

  /** Another user's analysis is reported exactly like a missing one. */
  async get(id: string, userId: string, requestId: string): Promise<AnalysisView> {
    const view = analysisId.safeParse(id).success ? await this.results.getAnalysis(id, userId, requestId) : null;
    if (!view) throw new AnalysisNotFoundException(id);
    return view;
  }

  list(userId: string, query: ListQuery, requestId: string): Promise<AnalysisPage> {
    return this.results.listAnalyses(userId, query, requestId);
  }

  /**
   * Best effort: the caller gets the queue's error either way. Should this fail too, the row stays `queued`;
   * should the timed-out add still land, the orchestrator's job fails harmlessly on the unknown analysis.
   */
  private async discard(id: string, userId: string, requestId: string): Promise<void> {
    try {
      await this.results.deleteQueuedAnalysis(id, userId, requestId);
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      this.logger.error(`could not remove analysis ${id} after failing to queue it: ${cause}`);
    }
  }
}
