import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { UserRole } from '@ultra/contracts';
import { DataSource } from 'typeorm';
import { AccountDisabledException, UnauthorizedException } from './auth.exception';
import type { AuthUser } from './token-claims';

/**
 * Global, after JwtAuthGuard (AuthModule registers it second): reads the caller's account on every authenticated
 * request, so a disabled or deleted account's tokens stop at once, and puts its current role on the caller (a role
 * change applies on the next request, with no token to reissue). One primary-key read per request, in plain SQL
 * (TypeORM's find builds and maps the query at several times the cost of the read itself).
 */
@Injectable()
export class AccountStatusGuard implements CanActivate {
  constructor(private readonly dataSource: DataSource) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ user?: AuthUser }>();
    // Public routes have no caller; every other route was refused by JwtAuthGuard before this without one.
    if (!request.user) return true;
    const [account] = await this.dataSource.query<{ role: UserRole; disabled: boolean }[]>(
      'SELECT role, disabled_at IS NOT NULL AS disabled FROM users WHERE id = $1',
      [request.user.id],
    );
    if (!account) throw new UnauthorizedException('the account of this token no longer exists');
    if (account.disabled) throw new AccountDisabledException();
    request.user.role = account.role;
    return true;
  }
}
