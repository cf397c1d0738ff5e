import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type AnalysisSpec,
  analysisSpecSchema,
  ApiErrorCode,
  DEFAULT_PATTERN,
  type PatternSpec,
  PROVIDERS_WITHOUT_TOOLS,
} from '@ultra/contracts';
import { APP_CONFIG, ApiException } from '@ultra/platform';
import { AnalysesService } from '../analyses/analyses.service';
import { AnalysisCancelService } from '../analyses/analysis-cancel.service';
import { AnalysisRequestValidator } from '../analyses/analysis-request.validator';
import { CatalogService } from '../catalog/catalog.service';
import { ModelPreflight } from '../catalog/model-preflight.service';
import type { GatewayConfig } from '../config/gateway.config';
import { fitHistory } from '../follow-ups/follow-up-history';
import { PatternRegistry } from '../patterns/pattern-registry';
import { UserDefaultsService } from '../user-defaults/user-defaults.service';
import { mapConversation } from './compat-conversation';
import { type CompatRequest, type UltraExtension, ultraExtensionSchema } from './compat-request';

export const ULTRA_MODEL_PREFIX = 'ultra/';
/** The model name that runs the caller's default pattern (PUT /api/users/me/defaults), else the server's. */
export const ULTRA_DEFAULT_MODEL = 'ultra';
/** Models taken from the catalog when neither the request nor the caller's defaults name a panel. */
const DEFAULT_PANEL_SIZE = 3;

/** A started compatible call: the analysis and what the stream translation needs to know of it. */
export interface StartedCompat {
  analysisId: string;
  spec: AnalysisSpec;
  /** The panel's earlier stages stream as reasoning (header x-ultra-show-stages, else ultra.showStages). */
  showStages: boolean;
}

const quote = (value: unknown): string => JSON.stringify(value);

const noPattern = (model: string, id: string) =>
  new ApiException(
    ApiErrorCode.UnknownModel,
    `unknown model ${quote(model)}: there is no pattern ${quote(id)}; GET /v1/models lists the models`,
    [{ path: 'model', message: `no pattern ${quote(id)}` }],
  );

const notInCatalog = (model: string) =>
  new ApiException(
    ApiErrorCode.UnknownModel,
    `unknown model ${quote(model)}: use a catalog model id such as "mock:alpha" or "ultra/<pattern>"; ` +
      'GET /v1/models lists them',
    [{ path: 'model', message: `unknown model ${quote(model)}` }],
  );

/**
 * The analysis as the queue will check it: what the vendor shapes let through but a job may not hold (a tool name
 * with spaces, an over-long call id) is the caller's 400 here, named by the analysis field, not a 500 later.
 */
function checkSpec(spec: AnalysisSpec): void {
  const parsed = analysisSpecSchema.safeParse(spec);
  if (parsed.success) return;
  const problems = parsed.error.issues.slice(0, 10).map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  throw new ApiException(
    ApiErrorCode.ValidationFailed,
    problems.map((p) => `${p.path}: ${p.message}`).join('; '),
    problems,
  );
}

function unsupported(path: string, message: string): never {
  throw new ApiException(ApiErrorCode.UnsupportedParameter, message, [{ path, message }]);
}

/**
 * The compatible APIs' one way into an analysis: the `model` name picks the pattern and panel (the request's
 * `ultra` object, else the caller's default panel, else the first ready models of the catalog), the conversation
 * becomes the question and its history, and the result goes through the same checks, limits and launch as
 * `POST /api/analyze`, so it is in the caller's history like any other.
 */
@Injectable()
export class CompatAnalysisService {
  private readonly logger = new Logger(CompatAnalysisService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    private readonly catalog: CatalogService,
    private readonly preflight: ModelPreflight,
    private readonly patterns: PatternRegistry,
    private readonly defaults: UserDefaultsService,
    private readonly validator: AnalysisRequestValidator,
    private readonly analyses: AnalysesService,
    private readonly cancellation: AnalysisCancelService,
  ) {}

  async start(request: CompatRequest, userId: string, requestId: string): Promise<StartedCompat> {
    const ultra = this.extensionOf(request.ultra);
    const target = await this.targetOf(request.model, ultra, userId);
    const direct = target.pattern.id === 'direct';
    if (!direct && request.directOnly.length) {
      const field = request.directOnly[0];
      unsupported(
        field,
        `${field} is not supported by ${quote(request.model)}: an ensemble cannot share one caller's tools; ` +
          'tools pass through only for a catalog model (e.g. "openai:gpt-4o-mini"), which runs direct',
      );
    }
    if (direct && request.tools?.length) this.checkTools(target.models[0]);
    const mapped = mapConversation(request.messages);
    const { spec } = await this.validator.validateRequest(
      {
        prompt: mapped.prompt,
        models: target.models,
        ...(target.ultraModel !== undefined && { ultraModel: target.ultraModel }),
        pattern: target.pattern.id,
        ...(ultra.params && { params: ultra.params }),
        options: {
          ...ultra.options,
          ...(request.temperature !== undefined && { temperature: request.temperature }),
          ...(request.maxOutputTokens !== undefined && { maxOutputTokens: request.maxOutputTokens }),
        },
        ...(ultra.cache !== undefined && { cache: ultra.cache }),
      },
      userId,
    );
    const fitted = fitHistory(mapped.history, this.config.HISTORY_TOKEN_BUDGET);
    const system = request.system?.trim() ? request.system : undefined;
    const full: AnalysisSpec = {
      ...spec,
      ...(fitted.history.length && { history: fitted.history, historyOmitted: fitted.omitted }),
      ...(system !== undefined && { system }),
      ...((request.messages.length > 1 || mapped.needsTurns) && { conversation: request.messages }),
      ...(direct && request.tools?.length && { tools: request.tools }),
      ...(direct && request.toolChoice !== undefined && { toolChoice: request.toolChoice }),
    };
    checkSpec(full);
    const accepted = await this.analyses.launch(full, userId, requestId);
    return { analysisId: accepted.id, spec: full, showStages: request.showStages ?? ultra.showStages ?? true };
  }

  /** The 404 a run would answer for `model`, without starting one (Anthropic's count_tokens). */
  async checkModel(model: string, userId: string): Promise<void> {
    if (model === ULTRA_DEFAULT_MODEL) return;
    if (model.startsWith(ULTRA_MODEL_PREFIX)) {
      const id = model.slice(ULTRA_MODEL_PREFIX.length);
      if (!(await this.patterns.find(id, userId))) throw noPattern(model, id);
    } else if (!this.catalog.find(model)) {
      throw notInCatalog(model);
    }
  }

  private checkTools(model: string): void {
    const provider = this.catalog.find(model)?.provider ?? '';
    if (!PROVIDERS_WITHOUT_TOOLS.has(provider)) return;
    unsupported('tools', `tools are not passed to provider ${quote(provider)} by Ultra (model ${quote(model)})`);
  }

  /** A client that went away: its analysis stops (best effort; it may have ended meanwhile). */
  async cancel(analysisId: string, userId: string, requestId: string): Promise<void> {
    try {
      await this.cancellation.cancel(analysisId, userId, requestId);
    } catch (error) {
      if (error instanceof ApiException && error.code === ApiErrorCode.AnalysisEnded) return;
      this.logger.warn(`could not cancel analysis ${analysisId} after its client left: ${String(error)}`);
    }
  }

  private extensionOf(value: unknown): UltraExtension {
    if (value === undefined || value === null) return {};
    const parsed = ultraExtensionSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    const problems = parsed.error.issues.map((issue) => ({
      path: ['ultra', ...issue.path.map(String)].join('.'),
      message: issue.message,
    }));
    throw new ApiException(
      ApiErrorCode.ValidationFailed,
      problems.map((p) => `${p.path}: ${p.message}`).join('; '),
      problems,
    );
  }

  private async targetOf(
    model: string,
    ultra: UltraExtension,
    userId: string,
  ): Promise<{ pattern: PatternSpec; models: string[]; ultraModel?: string }> {
    if (model === ULTRA_DEFAULT_MODEL || model.startsWith(ULTRA_MODEL_PREFIX)) {
      const defaults = await this.defaults.get(userId);
      const id =
        model === ULTRA_DEFAULT_MODEL ? (defaults?.pattern ?? DEFAULT_PATTERN) : model.slice(ULTRA_MODEL_PREFIX.length);
      const resolved = await this.patterns.find(id, userId);
      if (!resolved) throw noPattern(model, id);
      const models = ultra.models ?? (defaults?.models.length ? defaults.models : await this.firstReady(userId));
      const preferred = ultra.ultraModel ?? defaults?.ultraModel ?? undefined;
      const ultraModel = ultra.ultraModel ?? (preferred && models.includes(preferred) ? preferred : undefined);
      return { pattern: resolved.spec, models, ...(ultraModel !== undefined && { ultraModel }) };
    }
    if (!this.catalog.find(model)) throw notInCatalog(model);
    if (ultra.models || ultra.ultraModel) {
      unsupported(
        ultra.models ? 'ultra.models' : 'ultra.ultraModel',
        `ultra.models and ultra.ultraModel choose the panel of an "ultra/<pattern>" model; ${quote(model)} runs alone`,
      );
    }
    const direct = await this.patterns.find('direct', userId);
    if (!direct) throw new Error('the built-in pattern "direct" is missing');
    return { pattern: direct.spec, models: [model], ultraModel: model };
  }

  private async firstReady(userId: string): Promise<string[]> {
    const ready = (await this.preflight.list(userId)).filter((m) => m.status === 'ready');
    if (!ready.length) {
      throw new ApiException(
        ApiErrorCode.ModelUnavailable,
        'no model of the catalog is ready for you: add a provider key (PUT /api/provider-keys/:provider) ' +
          'or name the panel in the ultra object',
      );
    }
    return ready.slice(0, DEFAULT_PANEL_SIZE).map((m) => m.id);
  }
}
