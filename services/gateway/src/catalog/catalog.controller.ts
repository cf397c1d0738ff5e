import { Controller, Get } from '@nestjs/common';
import type { ModelInfo } from '@ultra/contracts';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { ModelPreflight } from './model-preflight.service';
import { RequireScopes } from '../api-keys/require-scopes.decorator';

@RequireScopes('read')
@Controller('available-models')
export class CatalogController {
  constructor(private readonly preflight: ModelPreflight) {}

  /** Each model with its fallbacks; `degraded` (and why) while its breaker or its provider's is not closed. */
  @Get()
  async list(@CurrentUser() user: AuthUser): Promise<{ models: ModelInfo[] }> {
    return { models: await this.preflight.list(user.id) };
  }
}
