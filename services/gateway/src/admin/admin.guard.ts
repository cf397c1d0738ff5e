import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ApiErrorCode, UserRole } from '@ultra/contracts';
import { ApiException } from '@ultra/platform';
import type { AuthUser } from '../auth/token-claims';

export class ForbiddenException extends ApiException {
  constructor(message = 'this route is for administrators only') {
    super(ApiErrorCode.Forbidden, message);
  }
}

/** Admin routes: the caller's role, as AccountStatusGuard read it from the account on this request, must be admin. */
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ user?: AuthUser }>();
    if (request.user?.role !== UserRole.Admin) throw new ForbiddenException();
    return true;
  }
}
