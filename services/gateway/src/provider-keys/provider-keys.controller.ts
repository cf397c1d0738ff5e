import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Put } from '@nestjs/common';
import {
  type ProviderKeyList,
  type ProviderKeyRequest,
  providerKeyRequestSchema,
  type ProviderKeyView,
} from '@ultra/contracts';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { ProviderKeysService } from './provider-keys.service';

/** The caller's own provider keys (BYOK); another user's are never listed, replaced or deleted. */
@Controller('provider-keys')
export class ProviderKeysController {
  constructor(private readonly keys: ProviderKeysService) {}

  @Put(':provider')
  put(
    @Param('provider') provider: string,
    @Body(new ZodValidationPipe(providerKeyRequestSchema)) body: ProviderKeyRequest,
    @CurrentUser() user: AuthUser,
  ): Promise<ProviderKeyView> {
    return this.keys.put(user.id, provider, body);
  }

  @Get()
  async list(@CurrentUser() user: AuthUser): Promise<ProviderKeyList> {
    return { providerKeys: await this.keys.list(user.id) };
  }

  @Delete(':provider')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(@Param('provider') provider: string, @CurrentUser() user: AuthUser): Promise<void> {
    return this.keys.remove(user.id, provider);
  }
}
