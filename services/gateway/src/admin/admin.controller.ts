import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query, UseGuards } from '@nestjs/common';
import {
  type AdminAuditQuery,
  adminAuditQuerySchema,
  type AdminUserListQuery,
  adminUserListQuerySchema,
  type AdminUserPage,
  type AdminUserPatch,
  adminUserPatchSchema,
  type AdminUserUsage,
  type AdminUserView,
  type AuditPage,
} from '@ultra/contracts';
import { ApiException } from '@ultra/platform';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import { AuditRepository } from '../audit/audit.repository';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { AdminGuard } from './admin.guard';
import { AdminUsersRepository } from './admin-users.repository';
import { AdminUsersService } from './admin-users.service';

/** A malformed id cannot name a user: 404 like an unknown one. */
const userId = new ParseUUIDPipe({
  exceptionFactory: () => new ApiException('not_found', 'no user with that id'),
});

@RequireScopes('admin')
@UseGuards(AdminGuard)
@Controller('admin')
export class AdminController {
  constructor(
    private readonly users: AdminUsersRepository,
    private readonly admin: AdminUsersService,
    private readonly audit: AuditRepository,
  ) {}

  @Get('users')
  list(@Query(new ZodValidationPipe(adminUserListQuerySchema)) query: AdminUserListQuery): Promise<AdminUserPage> {
    return this.users.list(query.limit, query.cursor, query.q);
  }

  @Patch('users/:id')
  update(
    @CurrentUser() caller: AuthUser,
    @Param('id', userId) id: string,
    @Body(new ZodValidationPipe(adminUserPatchSchema)) patch: AdminUserPatch,
  ): Promise<AdminUserView> {
    return this.admin.update(caller, id, patch);
  }

  @Get('users/:id/usage')
  usage(@Param('id', userId) id: string): Promise<AdminUserUsage> {
    return this.admin.usageOf(id);
  }

  @Get('audit')
  auditLog(@Query(new ZodValidationPipe(adminAuditQuerySchema)) query: AdminAuditQuery): Promise<AuditPage> {
    return this.audit.list(query);
  }
}
