import { ApiErrorCode, estimateTokens } from '@ultra/contracts';
import { ApiException } from '@ultra/platform';
import type { CatalogService } from '../catalog/catalog.service';
import type { PatternRegistry } from '../patterns/pattern-registry';
import { ULTRA_DEFAULT_MODEL, ULTRA_MODEL_PREFIX } from './compat-analysis.service';
import type { CompatRequest } from './compat-request';

/**
 * `count_tokens` starts nothing, but a model `/v1/messages` would refuse is refused here too, with the same
 * 404 (an `ultra/<pattern>` with no such pattern, or an id the catalog does not hold). It mirrors
 * CompatAnalysisService's model resolution without its panel choice, which count_tokens does not need.
 */
export async function checkModelKnown(
  model: string,
  userId: string,
  catalog: CatalogService,
  patterns: PatternRegistry,
): Promise<void> {
  // `ultra` runs the caller's default pattern, else the server's: a count needs no panel, so nothing to resolve.
  if (model === ULTRA_DEFAULT_MODEL) return;
  const known = model.startsWith(ULTRA_MODEL_PREFIX)
    ? (await patterns.find(model.slice(ULTRA_MODEL_PREFIX.length), userId)) !== undefined
    : catalog.find(model) !== undefined;
  if (known) return;
  throw new ApiException(
    ApiErrorCode.UnknownModel,
    `unknown model ${JSON.stringify(model)}: use a catalog model id such as "mock:alpha" or "ultra/<pattern>"; ` +
      'GET /v1/models lists them',
    [{ path: 'model', message: `unknown model ${JSON.stringify(model)}` }],
  );
}

/**
 * The input tokens of a request by the gateway's own estimate (four characters a token, as the analysis estimate
 * counts): the system prompt, every turn with its tool calls and results, and the tools' definitions. An ensemble
 * sends this to each model of its panel, several times: `POST /api/analyze/estimate` tells what a whole run costs.
 */
export function countInputTokens(request: CompatRequest): number {
  const parts = [
    request.system ?? '',
    ...request.messages.flatMap((m) => [m.content, ...(m.toolCalls ?? []).map((c) => `${c.name} ${c.arguments}`)]),
    request.tools?.length ? JSON.stringify(request.tools) : '',
  ];
  return Math.max(
    1,
    parts.reduce((sum, part) => sum + estimateTokens(part), 0),
  );
}
