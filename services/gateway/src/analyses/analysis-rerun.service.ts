import { Injectable } from '@nestjs/common';
import {
  type AnalysisSource,
  type AnalysisSpec,
  AnalysisStatus,
  type AnalyzeAccepted,
  ApiErrorCode,
  type PatternSpec,
  patternSpecSchema,
  type RerunRequest,
} from '@ultra/contracts';
import { ApiException, ValidationFailedException } from '../common/api-exception';
import { PatternRegistry } from '../patterns/pattern-registry';
import { AnalysesService, AnalysisNotFoundException, analysisIdSchema } from './analyses.service';
import { AnalysisRequestValidator } from './analysis-request.validator';
import { ResultsClient } from './results.client';
import { reusedRuns } from './reused-runs';

export interface RerunAccepted extends AnalyzeAccepted {
  sourceAnalysisId: string;
}

const quoted = (values: readonly string[]): string => values.map((v) => JSON.stringify(v)).join(', ');

/**
 * `POST /api/analyses/:id/rerun`: a new analysis of the same question, models, options and stored pattern that
 * reuses the source's runs before `fromStage` (no call is repeated) and runs the rest, e.g. with another ultra
 * model after a failed synthesis.
 */
@Injectable()
export class AnalysisRerunService {
  constructor(
    private readonly results: ResultsClient,
    private readonly validator: AnalysisRequestValidator,
    private readonly patterns: PatternRegistry,
    private readonly analyses: AnalysesService,
  ) {}

  async rerun(id: string, request: RerunRequest, userId: string, requestId: string): Promise<RerunAccepted> {
    const source = analysisIdSchema.safeParse(id).success
      ? await this.results.getAnalysisSource(id, userId, requestId)
      : null;
    if (!source) throw new AnalysisNotFoundException(id);
    if (source.status === AnalysisStatus.Queued || source.status === AnalysisStatus.Running) {
      throw new ApiException(
        ApiErrorCode.RerunNotPossible,
        `analysis ${id} is still ${source.status}; rerun it once it has completed or failed`,
      );
    }
    const patternSpec = this.patternOf(source);
    const stageIds = patternSpec.stages.map((stage) => stage.id);
    if (!stageIds.includes(request.fromStage)) {
      const message = `fromStage "${request.fromStage}" is not a stage of pattern "${patternSpec.id}"; its stages are ${quoted(stageIds)}`;
      throw new ValidationFailedException(message, [{ path: 'fromStage', message }]);
    }
    const ultraModel = request.ultraModel ?? source.ultraModel;
    if (!source.models.includes(ultraModel)) {
      const message = `ultraModel "${ultraModel}" is not among the analysis' models (${quoted(source.models)})`;
      throw new ValidationFailedException(message, [{ path: 'ultraModel', message }]);
    }
    await this.validator.checkModels(source.models, userId, patternSpec);
    // The source's values stand unless the caller overrides them; only declared ones, in case the pattern was
    // re-read from its file (an analysis stored before patterns were).
    const kept = Object.entries(source.params).filter(([name]) => Object.hasOwn(patternSpec.params, name));
    const params = this.validator.paramsOf(
      patternSpec,
      { ...Object.fromEntries(kept), ...request.params },
      source.models.length,
    );
    const spec: AnalysisSpec = {
      prompt: source.prompt,
      models: source.models,
      ultraModel,
      pattern: source.pattern,
      patternSpec,
      params,
      options: source.options,
      ...(source.documents && { documents: source.documents }),
      reuse: { sourceAnalysisId: source.id, runs: reusedRuns(patternSpec, source.runs, request.fromStage) },
      // A rerun of a follow-up renders the prompts its reused runs saw; every rerun joins its source's thread.
      ...(source.history && { history: source.history, historyOmitted: source.historyOmitted }),
      ...(source.system !== undefined && { system: source.system }),
      ...(source.conversation && { conversation: source.conversation }),
      ...(source.tools && { tools: source.tools }),
      ...(source.toolChoice !== undefined && { toolChoice: source.toolChoice }),
    };
    const thread = { threadId: source.threadId ?? source.id, parentAnalysisId: source.parentAnalysisId ?? null };
    const accepted = await this.analyses.launch(spec, userId, requestId, source.id, thread);
    return { ...accepted, sourceAnalysisId: source.id };
  }

  /**
   * The pattern as the source ran it. Analyses stored before patterns were kept have none; they ran a built-in,
   * which is read from today's file.
   */
  private patternOf(source: AnalysisSource): PatternSpec {
    if (source.patternSpec === null || source.patternSpec === undefined) {
      const builtin = this.patterns.builtin(source.pattern);
      if (builtin) return builtin;
      throw new ApiException(
        ApiErrorCode.RerunNotPossible,
        `analysis ${source.id} ran pattern "${source.pattern}", which was not stored with it and no longer exists`,
      );
    }
    const parsed = patternSpecSchema.safeParse(source.patternSpec);
    if (parsed.success) return parsed.data;
    throw new ApiException(
      ApiErrorCode.RerunNotPossible,
      `the pattern stored with analysis ${source.id} can no longer be read: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
}
