import { Injectable } from '@nestjs/common';
import { ApiErrorCode } from '@ultra/contracts';
import { ApiException } from '@ultra/platform';
import { ModelPreflight } from '../catalog/model-preflight.service';
import { PatternRegistry } from '../patterns/pattern-registry';
import { ULTRA_DEFAULT_MODEL, ULTRA_MODEL_PREFIX } from './compat-analysis.service';

/** One model name a compatible client may send. */
export interface CompatModel {
  id: string;
  displayName: string;
  /** `ultra` for patterns, else the provider. */
  ownedBy: string;
  description?: string;
}

/** Models have no creation date in Ultra; the vendors' shapes want one, so every model shows this fixed one. */
export const MODELS_CREATED_AT = new Date('2026-01-01T00:00:00Z');

/** What `/v1/models` lists for a caller: every pattern as `ultra/<pattern>`, then every model ready for them. */
@Injectable()
export class CompatModelsService {
  constructor(
    private readonly patterns: PatternRegistry,
    private readonly preflight: ModelPreflight,
  ) {}

  async list(userId: string): Promise<CompatModel[]> {
    const [patterns, models] = await Promise.all([this.patterns.list(userId), this.preflight.list(userId)]);
    return [
      {
        id: ULTRA_DEFAULT_MODEL,
        displayName: 'Ultra (your default pattern)',
        ownedBy: 'ultra',
        description: 'Runs the pattern of your default panel (PUT /api/users/me/defaults), else the server default.',
      },
      ...patterns.map(({ spec }) => ({
        id: `${ULTRA_MODEL_PREFIX}${spec.id}`,
        displayName: `Ultra ${spec.name}`,
        ownedBy: 'ultra',
        description: spec.description,
      })),
      ...models
        .filter((model) => model.status === 'ready')
        .map((model) => ({ id: model.id, displayName: model.displayName, ownedBy: model.provider })),
    ];
  }

  async get(id: string, userId: string): Promise<CompatModel> {
    const found = (await this.list(userId)).find((model) => model.id === id);
    if (found) return found;
    throw new ApiException(
      ApiErrorCode.UnknownModel,
      `unknown model ${JSON.stringify(id)}: GET /v1/models lists the patterns and the models ready for you`,
      [{ path: 'model', message: `unknown model ${JSON.stringify(id)}` }],
    );
  }
}
