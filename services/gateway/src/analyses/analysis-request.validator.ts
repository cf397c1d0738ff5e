import { Inject, Injectable } from '@nestjs/common';
import {
  type AnalysisSpec,
  analyzeRequestSchema,
  ApiErrorCode,
  DEFAULT_PATTERN,
  isPatternId,
  modelIdSchema,
  patternIds,
} from '@ultra/contracts';
import { APP_CONFIG } from '@ultra/platform';
import type { z } from 'zod';
import { ApiException, type Problem, ValidationFailedException } from '../common/api-exception';
import type { GatewayConfig } from '../config/gateway.config';
import { CatalogService } from '../catalog/catalog.service';
import { summaryOf } from '../common/zod-validation.pipe';

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

function fail(code: ApiErrorCode, problems: Problem[]): never {
  throw new ApiException(code, summaryOf(problems), problems);
}

/**
 * Checks `POST /api/analyze` against the contract's shape, the model catalog and the patterns, in that order, so
 * each kind of mistake gets its own error code; fills in the defaults (pattern, ultra model).
 */
@Injectable()
export class AnalysisRequestValidator {
  private readonly schema: ReturnType<typeof analyzeRequestSchema>;

  constructor(
    @Inject(APP_CONFIG) config: GatewayConfig,
    private readonly catalog: CatalogService,
  ) {
    this.schema = analyzeRequestSchema(config.MAX_PROMPT_CHARS);
  }

  validate(body: unknown): AnalysisSpec {
    const parsed = this.schema.safeParse(body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => problemOf(issue, body));
      throw new ValidationFailedException(summaryOf(problems), problems);
    }
    const { prompt, models, ultraModel = models[0], pattern = DEFAULT_PATTERN } = parsed.data;
    this.checkModels(models);
    if (ultraModel === undefined || !models.includes(ultraModel)) {
      fail(ApiErrorCode.ValidationFailed, [
        { path: 'ultraModel', message: `ultraModel ${quote(ultraModel)} is not among models (${quoted(models)})` },
      ]);
    }
    if (!isPatternId(pattern)) {
      fail(ApiErrorCode.UnknownPattern, [
        { path: 'pattern', message: `unknown pattern ${quote(pattern)}; known patterns: ${patternIds.join(', ')}` },
      ]);
    }
    return { prompt, models, ultraModel, pattern };
  }

  private checkModels(models: readonly string[]): void {
    const unknown: Problem[] = [];
    const unavailable: Problem[] = [];
    models.forEach((id, index) => {
      const path = `models.${index}`;
      if (!modelIdSchema.safeParse(id).success) {
        unknown.push({
          path,
          message: `unknown model ${quote(id)}: model ids look like provider:model, e.g. mock:alpha`,
        });
        return;
      }
      const model = this.catalog.find(id);
      if (!model) {
        unknown.push({ path, message: `unknown model ${quote(id)}: GET /api/available-models lists the models` });
      } else if (model.status !== 'ready') {
        unavailable.push({
          path,
          message: `model ${quote(id)} is unavailable: provider "${model.provider}" is not configured (${model.status})`,
        });
      }
    });
    if (unknown.length) fail(ApiErrorCode.UnknownModel, unknown);
    if (unavailable.length) fail(ApiErrorCode.ModelUnavailable, unavailable);
  }
}
