import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { type ApiKeyView, type CreateApiKeyRequest, type CreatedApiKey, createApiKeySchema } from '@ultra/contracts';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { ApiKeysService } from './api-keys.service';

/**
 * The caller's API keys. No @RequireScopes: the global guard refuses API keys here (403 insufficient_scope), so a
 * leaked key can neither mint more keys nor revoke its owner's.
 */
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  /** The key is in this answer and nowhere else, ever. */
  @Post()
  create(
    @CurrentUser() user: AuthUser,
    @Body(new ZodValidationPipe(createApiKeySchema)) body: CreateApiKeyRequest,
  ): Promise<CreatedApiKey> {
    return this.keys.create(user, body);
  }

  @Get()
  list(@CurrentUser() user: AuthUser): Promise<ApiKeyView[]> {
    return this.keys.list(user.id);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revoke(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    await this.keys.revoke(id, user.id);
  }
}
