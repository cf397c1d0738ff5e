import { Inject, Injectable } from '@nestjs/common';
import { type AnalysisSource, AnalysisStatus, ApiErrorCode, type FollowUpAccepted } from '@ultra/contracts';
import { APP_CONFIG, ApiException, ValidationFailedException } from '@ultra/platform';
import { AnalysesService, AnalysisNotFoundException, analysisIdSchema } from '../analyses/analyses.service';
import { AnalysisRequestValidator } from '../analyses/analysis-request.validator';
import { ResultsClient } from '../analyses/results.client';
import type { GatewayConfig } from '../config/gateway.config';
import { PatternRegistry } from '../patterns/pattern-registry';
import { exchangesLeadingTo, fitHistory } from './follow-up-history';

type Body = Record<string, unknown>;

const isObject = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `POST /api/analyses/:id/follow-ups`: a new analysis in the thread of analysis `:id` whose prompts carry the
 * thread's earlier exchanges (`{{history}}`). The body is an analyze body in which only the prompt is required:
 * the rest defaults to the analysis followed up, and the merged body goes through the same checks and preflight
 * as `POST /api/analyze`.
 */
@Injectable()
export class FollowUpsService {
  private readonly budgetTokens: number;

  constructor(
    @Inject(APP_CONFIG) config: GatewayConfig,
    private readonly results: ResultsClient,
    private readonly validator: AnalysisRequestValidator,
    private readonly patterns: PatternRegistry,
    private readonly analyses: AnalysesService,
  ) {
    this.budgetTokens = config.HISTORY_TOKEN_BUDGET;
  }

  async followUp(id: string, body: unknown, userId: string, requestId: string): Promise<FollowUpAccepted> {
    const parent = analysisIdSchema.safeParse(id).success
      ? await this.results.getAnalysisSource(id, userId, requestId)
      : null;
    if (!parent) throw new AnalysisNotFoundException(id);
    if (parent.status === AnalysisStatus.Queued || parent.status === AnalysisStatus.Running) {
      throw new ApiException(
        ApiErrorCode.FollowUpNotPossible,
        `analysis ${id} is still ${parent.status}; follow it up once it has completed or failed`,
      );
    }
    if (!isObject(body)) throw new ValidationFailedException('the body must be a JSON object with a prompt');
    const merged = await this.withDefaults(parent, body, userId);
    const { spec, maxCostUsd } = await this.validator.validateRequest(merged, userId);
    if (maxCostUsd !== undefined) this.analyses.checkBudget(spec, maxCostUsd);

    const threadId = parent.threadId ?? parent.id;
    const thread = await this.results.getThread(threadId, userId, requestId);
    const { history, omitted } = fitHistory(exchangesLeadingTo(thread?.analyses ?? [], parent.id), this.budgetTokens);
    const accepted = await this.analyses.launch(
      { ...spec, history, historyOmitted: omitted },
      userId,
      requestId,
      undefined,
      {
        threadId,
        parentAnalysisId: parent.id,
      },
    );
    return { ...accepted, threadId, parentAnalysisId: parent.id };
  }

  /**
   * The analyze body the follow-up stands for: what the caller gave, and for the rest the parent's choices. The
   * parent's parameters carry over only with its pattern, and only those the pattern still declares; options merge
   * per option. Values of the wrong type are passed on untouched, so the analyze checks name them.
   */
  private async withDefaults(parent: AnalysisSource, body: Body, userId: string): Promise<Body> {
    const models = body.models ?? parent.models;
    const keepsUltra = Array.isArray(models) && models.includes(parent.ultraModel);
    const pattern = body.pattern ?? parent.pattern;
    const { cache, ...parentOptions } = parent.options;
    return {
      ...body,
      models,
      ultraModel: body.ultraModel ?? (keepsUltra ? parent.ultraModel : undefined),
      pattern,
      params: await this.paramsOf(parent, pattern, body.params, userId),
      options:
        isObject(body.options) || body.options === undefined ? { ...parentOptions, ...body.options } : body.options,
      cache: body.cache ?? cache,
    };
  }

  private async paramsOf(parent: AnalysisSource, pattern: unknown, given: unknown, userId: string): Promise<unknown> {
    if (pattern !== parent.pattern || (given !== undefined && !isObject(given))) return given;
    const declared = (await this.patterns.find(parent.pattern, userId))?.spec.params ?? {};
    const kept = Object.entries(parent.params).filter(([name]) => Object.hasOwn(declared, name));
    return { ...Object.fromEntries(kept), ...given };
  }
}
