import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
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
  constructor(
    private readonly validator: AnalysisRequestValidator,
    private readonly results: ResultsClient,
    private readonly jobs: AnalysisJobsProducer,
  ) {}

  /**
   * Records the analysis with results first, then queues it: the row exists before the 202, so a GET right after
   * answers `queued`, and the orchestrator never runs an analysis that results does not know.
   */
  async start(body: unknown, userId: string, requestId: string): Promise<AnalyzeAccepted> {
    const spec = this.validator.validate(body);
    const id = randomUUID();
    await this.results.createAnalysis({ id, userId, requestId, ...spec });
    await this.jobs.start({ schemaVersion: SCHEMA_VERSION, analysisId: id, requestId, spec });
    return { id, status: 'queued', links: { self: `/${API_PREFIX}/analyses/${id}` } };
  }

  /** Another user's analysis is reported exactly like a missing one. */
  async get(id: string, userId: string): Promise<AnalysisView> {
    const view = analysisId.safeParse(id).success ? await this.results.getAnalysis(id, userId) : null;
    if (!view) throw new AnalysisNotFoundException(id);
    return view;
  }

  list(userId: string, query: ListQuery): Promise<AnalysisPage> {
    return this.results.listAnalyses(userId, query);
  }
}
