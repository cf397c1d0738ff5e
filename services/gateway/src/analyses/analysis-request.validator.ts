import { Inject, Injectable } from '@nestjs/common';
import {
  type AnalysisOptions,
  type AnalysisSpec,
  analyzeRequestSchema,
  ApiErrorCode,
  callsOf,
  checkParams,
  DEFAULT_PATTERN,
  modelIdSchema,
  type ModelInfo,
  type PatternSpec,
  paramValues,
  patternIdSchema,
} from '@ultra/contracts';
import { APP_CONFIG } from '@ultra/platform';
import type { z } from 'zod';
import { ApiException, type Problem, ValidationFailedException } from '../common/api-exception';
import type { GatewayConfig } from '../config/gateway.config';
import { CatalogService } from '../catalog/catalog.service';
import { ModelPreflight } from '../catalog/model-preflight.service';
import { summaryOf } from '../common/zod-validation.pipe';
import { DocumentSelectionService } from '../documents/document-selection.service';
import { PatternRegistry, type ResolvedPattern } from '../patterns/pattern-registry';
import { CallbackUrlValidator } from '../webhooks/callback-url.validator';

type Issue = z.ZodError['issues'][number];

const quote = (value: unknown): string => JSON.stringify(value);
const quoted = (values: readonly unknown[]): string => values.map(quote).join(', ');

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function duplicatesOf(values: readonly unknown[]): unknown[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}

/** The contract schema's message, plus the offending value where that helps the caller find it. */
function problemOf(issue: Issue, body: unknown): Problem {
  const path = issue.path.length ? issue.path.map(String).join('.') : 'body';
  const value = valueAt(body, issue.path);
  let message = issue.message;
  if (path === 'models' && issue.code === 'custom' && Array.isArray(value)) {
    message = `${message}: ${quoted(duplicatesOf(value))}`;
  } else if (issue.code === 'too_big' && typeof value === 'string') {
    message = `${message} (got ${value.trim().length})`;
  } else if (issue.code === 'too_big' && Array.isArray(value)) {
    message = `${message} (got ${value.length})`;
  }
  return { path, message };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text fields that are stored and sent to models must be valid Unicode: a lone UTF-16 surrogate (JSON "\ud800")
 * cannot be stored in Postgres, like NUL, which the contract schema already refuses.
 */
function surrogateProblems(body: unknown): Problem[] {
  const prompt = valueAt(body, ['prompt']);
  if (typeof prompt !== 'string') return [];
  const at = prompt.search(LONE_SURROGATE);
  if (at < 0) return [];
  const unit = prompt.charCodeAt(at).toString(16).toUpperCase();
  return [
    {
      path: 'prompt',
      message: `prompt must be valid Unicode: it holds a lone UTF-16 surrogate (U+${unit} at character ${at})`,
    },
  ];
}

function fail(code: ApiErrorCode, problems: Problem[]): never {
  throw new ApiException(code, summaryOf(problems), problems);
}

/** A valid `POST /api/analyze`: the analysis to run, and the caller's cost limit if any. */
export interface ValidatedAnalyzeRequest {
  spec: AnalysisSpec;
  maxCostUsd: number | undefined;
  /** Where results POSTs the ended analysis; already SSRF-checked. */
  callbackUrl?: string;
}

/** The models a pattern names itself (explicit participants, a sampled model), with where it names them. */
function modelsNamedBy(spec: PatternSpec): { path: string; model: string }[] {
  return spec.stages.flatMap((stage, i) => {
    if (stage.kind !== 'generate' || typeof stage.participants !== 'object') return [];
    const p = stage.participants;
    const at = `stages.${i}.participants`;
    if ('models' in p) return p.models.map((model, j) => ({ path: `${at}.models.${j}`, model }));
    if ('sample' in p && p.sample.model !== 'ultra') return [{ path: `${at}.sample.model`, model: p.sample.model }];
    return [];
  });
}

/**
 * Checks `POST /api/analyze` against the contract's shape, the model catalog and the patterns (built-ins, then
 * the caller's own), in that order, so each kind of mistake gets its own error code; fills in the defaults
 * (pattern, ultra model, parameters) and returns the analysis with its resolved pattern.
 */
@Injectable()
export class AnalysisRequestValidator {
  private readonly schema: ReturnType<typeof analyzeRequestSchema>;
  private readonly maxCalls: number;

  constructor(
    @Inject(APP_CONFIG) config: GatewayConfig,
    private readonly catalog: CatalogService,
    private readonly patterns: PatternRegistry,
    private readonly preflight: ModelPreflight,
    private readonly documents: DocumentSelectionService,
    private readonly callbacks: CallbackUrlValidator,
  ) {
    this.schema = analyzeRequestSchema(config.MAX_PROMPT_CHARS);
    this.maxCalls = config.MAX_CALLS_PER_ANALYSIS;
  }

  /** The analysis a `POST /api/analyze` (or estimate) body asks for, for this caller. */
  async validate(body: unknown, userId: string): Promise<AnalysisSpec> {
    return (await this.validateRequest(body, userId)).spec;
  }

  /** As validate, with the caller's cost limit beside the analysis. */
  async validateRequest(body: unknown, userId: string): Promise<ValidatedAnalyzeRequest> {
    const parsed = this.schema.safeParse(body);
    const problems = [
      ...(parsed.success ? [] : parsed.error.issues.map((issue) => problemOf(issue, body))),
      ...surrogateProblems(body),
      // Resolves the host (DNS), so only for a body whose shape is right.
      ...(parsed.success ? await this.callbacks.problems(parsed.data.callbackUrl) : []),
    ];
    if (!parsed.success || problems.length) throw new ValidationFailedException(summaryOf(problems), problems);
    const { prompt, models, ultraModel = models[0], pattern = DEFAULT_PATTERN, maxCostUsd, cache } = parsed.data;
    await this.checkModels(models, userId);
    this.checkUltraModel(models, ultraModel);
    const patternSpec = (await this.resolvePattern(pattern, userId)).spec;
    await this.checkModels([], userId, patternSpec);
    const params = this.paramsOf(patternSpec, parsed.data.params, models.length);
    // The top-level `cache` travels with the other per-analysis options, so reruns keep it.
    const options: AnalysisOptions = { ...parsed.data.options, ...(cache !== undefined && { cache }) };
    // Last: the one check that reads the database. The question picks the chunks when they exceed the budget.
    const documents = await this.documents.select(parsed.data.documentIds ?? [], prompt, userId);
    const spec: AnalysisSpec = { prompt, models, ultraModel, pattern, patternSpec, params, options };
    if (documents.length) spec.documents = documents;
    return { spec, maxCostUsd, ...(parsed.data.callbackUrl !== undefined && { callbackUrl: parsed.data.callbackUrl }) };
  }

  /**
   * The pattern's parameters with the caller's values (each checked against its declaration), within the call
   * limit for this many models. Also used by reruns, which take the source's values as the defaults.
   */
  paramsOf(
    spec: PatternSpec,
    given: Readonly<Record<string, number>> | undefined,
    models: number,
  ): Record<string, number> {
    const problems = checkParams(spec, given);
    if (problems.length) fail(ApiErrorCode.ValidationFailed, problems);
    const params = paramValues(spec, given);
    const calls = callsOf(spec, params, models);
    if (calls > this.maxCalls) {
      const shown = Object.keys(params).length ? ` with params ${JSON.stringify(params)}` : '';
      fail(ApiErrorCode.ValidationFailed, [
        {
          path: given && Object.keys(given).length ? 'params' : 'pattern',
          message: `pattern "${spec.id}"${shown} and ${models} model${models === 1 ? '' : 's'} makes ${calls} model calls; the limit is ${this.maxCalls}`,
        },
      ]);
    }
    return params;
  }

  /**
   * Preflight: every model of the analysis, and every model its pattern names itself, must be known and usable
   * (a key for its provider; not behind an open breaker unless a fallback can answer; see ModelReadiness).
   * Unknown ones are reported before unusable ones, and need no Redis read.
   */
  async checkModels(models: readonly string[], userId: string, spec?: PatternSpec): Promise<void> {
    const known = this.knownModels(models, spec);
    if (!known.length) return;
    const readiness = await this.preflight.readiness(
      userId,
      known.map((k) => k.model),
    );
    const unavailable = known.flatMap(({ path, model, by }): Problem[] => {
      const reason = readiness.unusable(model);
      const is = by ? ', which is' : ' is';
      return reason ? [{ path, message: `${by}model ${quote(model.id)}${is} unavailable: ${reason}` }] : [];
    });
    if (unavailable.length) fail(ApiErrorCode.ModelUnavailable, unavailable);
  }

  /**
   * The models (and those the pattern names) that are in the catalog; 400 unknown_model naming every other one.
   * Readiness is not looked at: the caller's default panel (user-defaults) may name models whose keys come later.
   */
  knownModels(models: readonly string[], spec?: PatternSpec): { path: string; model: ModelInfo; by: string }[] {
    const unknown: Problem[] = [];
    const known: { path: string; model: ModelInfo; by: string }[] = [];
    const named = [
      ...models.map((model, index) => ({ path: `models.${index}`, model, by: '' })),
      ...(spec ? modelsNamedBy(spec) : []).map(({ path, model }) => ({
        path: `pattern.${path}`,
        model,
        by: `pattern "${spec?.id}" asks for `,
      })),
    ];
    for (const { path, model: id, by } of named) {
      if (!modelIdSchema.safeParse(id).success) {
        unknown.push({
          path,
          message: `${by}unknown model ${quote(id)}: model ids look like provider:model, e.g. mock:alpha`,
        });
        continue;
      }
      const model = this.catalog.find(id);
      if (!model) {
        unknown.push({ path, message: `${by}unknown model ${quote(id)}: GET /api/available-models lists the models` });
      } else {
        known.push({ path, model, by });
      }
    }
    if (unknown.length) fail(ApiErrorCode.UnknownModel, unknown);
    return known;
  }

  /** 400 validation_failed unless the ultra model is one of the models. */
  checkUltraModel(models: readonly string[], ultraModel: string | undefined): asserts ultraModel is string {
    if (ultraModel === undefined || !models.includes(ultraModel)) {
      fail(ApiErrorCode.ValidationFailed, [
        { path: 'ultraModel', message: `ultraModel ${quote(ultraModel)} is not among models (${quoted(models)})` },
      ]);
    }
  }

  /**
   * The pattern of this id (built-ins, then the caller's own), or 400 unknown_pattern listing the known ones. An id
   * that is not a slug names no pattern and is not looked up (Postgres cannot hold a NUL in a query parameter).
   */
  async resolvePattern(pattern: string, userId: string): Promise<ResolvedPattern> {
    const resolved = patternIdSchema.safeParse(pattern).success ? await this.patterns.find(pattern, userId) : undefined;
    if (!resolved) {
      const known = (await this.patterns.list(userId)).map((p) => p.spec.id);
      fail(ApiErrorCode.UnknownPattern, [
        { path: 'pattern', message: `unknown pattern ${quote(pattern)}; known patterns: ${known.join(', ')}` },
      ]);
    }
    return resolved;
  }
}
