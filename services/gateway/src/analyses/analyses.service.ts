import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  type AnalysisPage,
  type AnalysisSpec,
  type AnalysisView,
  type AnalyzeAccepted,
  ApiErrorCode,
  SCHEMA_VERSION,
} from '@ultra/contracts';
import { z } from 'zod';
import { ApiException } from '../common/api-exception';
import { API_PREFIX } from '../common/http-setup';
import { AnalysisEstimator } from '../estimate/analysis-estimator.service';
import { AnalysisJobsProducer } from './analysis-jobs.producer';
import { AnalysisRequestValidator } from './analysis-request.validator';
import { type ListQuery, ResultsClient } from './results.client';

export const analysisIdSchema = z.uuid();

export class AnalysisNotFoundException extends ApiException {
  constructor(id: string) {
    super(ApiErrorCode.AnalysisNotFound, `analysis ${JSON.stringify(id)} not found`);
  }
}

/** Where a follow-up (or a rerun of one) sits: its thread, and the analysis it follows up. */
export interface ThreadLink {
  threadId: string;
  parentAnalysisId: string | null;
}

/** Dollars to three significant digits, enough to compare with a limit without a wall of decimals. */
const usd = (value: number): string => `$${Number(value.toPrecision(3))}`;

@Injectable()
export class AnalysesService {
  private readonly logger = new Logger(AnalysesService.name);

  constructor(
    private readonly validator: AnalysisRequestValidator,
    private readonly results: ResultsClient,
    private readonly jobs: AnalysisJobsProducer,
    private readonly estimator: AnalysisEstimator,
  ) {}

  async start(body: unknown, userId: string, requestId: string): Promise<AnalyzeAccepted> {
    const { spec, maxCostUsd, callbackUrl } = await this.validator.validateRequest(body, userId);
    if (maxCostUsd !== undefined) this.checkBudget(spec, maxCostUsd);
    return this.launch(spec, userId, requestId, undefined, undefined, callbackUrl);
  }

  /**
   * Records the analysis with results first, then queues it: the row exists before the 202, so a GET right after
   * answers `queued`, and the orchestrator never runs an analysis that results does not know. When it cannot be
   * queued the row is removed again, so the caller's list never shows an analysis that will stay queued forever.
   */
  async launch(
    spec: AnalysisSpec,
    userId: string,
    requestId: string,
    sourceAnalysisId?: string,
    thread?: ThreadLink,
    callbackUrl?: string,
  ): Promise<AnalyzeAccepted> {
    const id = randomUUID();
    const { prompt, models, ultraModel, pattern, patternSpec, params, options, history, historyOmitted } = spec;
    await this.results.createAnalysis({
      id,
      userId,
      requestId,
      prompt,
      models,
      ultraModel,
      pattern,
      patternSpec,
      params,
      options,
      ...(spec.documents && { documents: spec.documents }),
      ...(sourceAnalysisId === undefined ? {} : { sourceAnalysisId }),
      ...(history && { history, historyOmitted }),
      ...(spec.system !== undefined && { system: spec.system }),
      ...(spec.conversation && { conversation: spec.conversation }),
      ...(spec.tools && { tools: spec.tools }),
      ...(spec.toolChoice !== undefined && { toolChoice: spec.toolChoice }),
      ...thread,
      ...(callbackUrl !== undefined && { callbackUrl }),
    });
    try {
      // The user travels with the spec so the worker can pick their own provider keys (never the keys themselves).
      await this.jobs.start({ schemaVersion: SCHEMA_VERSION, analysisId: id, requestId, spec: { ...spec, userId } });
    } catch (error) {
      await this.discard(id, userId, requestId);
      throw error;
    }
    return { id, status: 'queued', links: { self: `/${API_PREFIX}/analyses/${id}` } };
  }

  /** Another user's analysis is reported exactly like a missing one. */
  async get(id: string, userId: string, requestId: string): Promise<AnalysisView> {
    const view = analysisIdSchema.safeParse(id).success ? await this.results.getAnalysis(id, userId, requestId) : null;
    if (!view) throw new AnalysisNotFoundException(id);
    return view;
  }

  list(userId: string, query: ListQuery, requestId: string): Promise<AnalysisPage> {
    return this.results.listAnalyses(userId, query, requestId);
  }

  /** The high end of the estimate must stay within the caller's limit; the refusal carries the whole estimate. */
  checkBudget(spec: AnalysisSpec, maxCostUsd: number): void {
    const estimate = this.estimator.estimate(spec);
    const high = estimate.total.costUsd.high;
    if (high <= maxCostUsd) return;
    throw new ApiException(
      ApiErrorCode.BudgetExceeded,
      `the analysis may cost up to ${usd(high)} (estimate ${usd(estimate.total.costUsd.low)}–${usd(high)}), ` +
        `above maxCostUsd ${usd(maxCostUsd)}; POST /api/analyze/estimate breaks it down`,
      { maxCostUsd, estimate },
    );
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
