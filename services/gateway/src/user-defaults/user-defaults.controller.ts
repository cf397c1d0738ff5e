import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Put } from '@nestjs/common';
import {
  type UserDefaults,
  type UserDefaultsRequest,
  userDefaultsRequestSchema,
  type UserDefaultsView,
} from '@ultra/contracts';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { UserDefaultsService } from './user-defaults.service';

/**
 * The caller's default panel (README "Default panel"). Unlike the rest of `/api/users/me`, API keys may use it:
 * reading needs `read`, changing it `analyze`, like patterns.
 */
@Controller('users/me/defaults')
export class UserDefaultsController {
  constructor(private readonly defaults: UserDefaultsService) {}

  @Get()
  @RequireScopes('read')
  get(@CurrentUser() user: AuthUser): Promise<UserDefaultsView> {
    return this.defaults.view(user.id);
  }

  @Put()
  @RequireScopes('analyze')
  put(
    @Body(new ZodValidationPipe(userDefaultsRequestSchema)) body: UserDefaultsRequest,
    @CurrentUser() user: AuthUser,
  ): Promise<UserDefaults> {
    return this.defaults.put(user.id, body);
  }

  @Delete()
  @RequireScopes('analyze')
  @HttpCode(HttpStatus.NO_CONTENT)
  clear(@CurrentUser() user: AuthUser): Promise<void> {
    return this.defaults.clear(user.id);
  }
}
