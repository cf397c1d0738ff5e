import { Controller, Get, Query } from '@nestjs/common';
import { type AuditListQuery, auditListQuerySchema, type AuditPage } from '@ultra/contracts';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { AuditRepository } from './audit.repository';

@Controller('users/me/audit')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  /** The caller's own security events, newest first. */
  @Get()
  list(
    @CurrentUser() user: AuthUser,
    @Query(new ZodValidationPipe(auditListQuerySchema)) query: AuditListQuery,
  ): Promise<AuditPage> {
    return this.audit.list({ userId: user.id, limit: query.limit, cursor: query.cursor });
  }
}
