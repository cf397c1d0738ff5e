import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AccountDisabledException, UnauthorizedException } from './auth.exception';
import type { AuthUser } from './token-claims';
import { UserEntity } from './user.entity';

/**
 * Global, after JwtAuthGuard (AuthModule registers it second): reads the caller's account on every authenticated
 * request, so a disabled or deleted account's tokens stop at once, and puts its current role on the caller (a role
 * change applies on the next request, with no token to reissue). One primary-key read per request.
 */
@Injectable()
export class AccountStatusGuard implements CanActivate {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ user?: AuthUser }>();
    // Public routes have no caller; every other route was refused by JwtAuthGuard before this without one.
    if (!request.user) return true;
    const account = await this.users.findOne({
      select: { id: true, role: true, disabledAt: true },
      where: { id: request.user.id },
    });
    if (!account) throw new UnauthorizedException('the account of this token no longer exists');
    if (account.disabledAt) throw new AccountDisabledException();
    request.user.role = account.role;
    return true;
  }
}
