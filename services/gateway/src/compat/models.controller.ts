import { Controller, Get, Headers, Param, UseFilters } from '@nestjs/common';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { CompatErrorFilter } from './compat-error.filter';
import { type CompatModel, CompatModelsService, MODELS_CREATED_AT } from './compat-models.service';

const openAiModel = (model: CompatModel) => ({
  id: model.id,
  object: 'model',
  created: Math.floor(MODELS_CREATED_AT.getTime() / 1000),
  owned_by: model.ownedBy,
});

const anthropicModel = (model: CompatModel) => ({
  type: 'model',
  id: model.id,
  display_name: model.displayName,
  created_at: MODELS_CREATED_AT.toISOString(),
});

/**
 * `GET /v1/models` in OpenAI's shape, or in Anthropic's when the client sends `anthropic-version` (as the
 * Anthropic SDK always does), so both SDKs' `models.list()` work against the same route.
 */
@Controller('v1/models')
@UseFilters(CompatErrorFilter)
export class ModelsController {
  constructor(private readonly models: CompatModelsService) {}

  @Get()
  @RequireScopes('read')
  async list(@CurrentUser() user: AuthUser, @Headers('anthropic-version') anthropic: string | undefined) {
    const models = await this.models.list(user.id);
    if (anthropic === undefined) return { object: 'list', data: models.map(openAiModel) };
    return {
      data: models.map(anthropicModel),
      has_more: false,
      first_id: models[0]?.id ?? null,
      last_id: models.at(-1)?.id ?? null,
    };
  }

  /** `ultra/<pattern>` holds a slash: SDKs send it encoded (one segment), other clients may not (two). */
  @Get(':id')
  @RequireScopes('read')
  one(@Param('id') id: string, @CurrentUser() user: AuthUser, @Headers('anthropic-version') anthropic?: string) {
    return this.shown(id, user.id, anthropic);
  }

  @Get(':id/:name')
  @RequireScopes('read')
  owned(
    @Param('id') id: string,
    @Param('name') name: string,
    @CurrentUser() user: AuthUser,
    @Headers('anthropic-version') anthropic?: string,
  ) {
    return this.shown(`${id}/${name}`, user.id, anthropic);
  }

  private async shown(id: string, userId: string, anthropic: string | undefined) {
    const model = await this.models.get(id, userId);
    return anthropic === undefined ? openAiModel(model) : anthropicModel(model);
  }
}
