import { Injectable } from '@nestjs/common';
import {
  type AdminUserPatch,
  type AdminUserUsage,
  type AdminUserView,
  ApiErrorCode,
  AuditEventType,
  UserRole,
} from '@ultra/contracts';
import { ApiException, ValidationFailedException } from '@ultra/platform';
import { AuditService } from '../audit/audit.service';
import { SessionRevocationService } from '../auth/session-revocation.service';
import type { AuthUser } from '../auth/token-claims';
import type { UserEntity } from '../auth/user.entity';
import { DailyUsageService } from '../limits/daily-usage.service';
import { AdminUsersRepository, userViewOf } from './admin-users.repository';

class UserNotFoundException extends ApiException {
  constructor(id: string) {
    super(ApiErrorCode.NotFound, `no user with id ${id}`);
  }
}

/** What admins do to accounts: each change is applied, then recorded in the audit log with the admin as actor. */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly users: AdminUsersRepository,
    private readonly audit: AuditService,
    private readonly revocation: SessionRevocationService,
    private readonly usage: DailyUsageService,
  ) {}

  async update(admin: AuthUser, id: string, patch: AdminUserPatch): Promise<AdminUserView> {
    const user = await this.found(id);
    // An admin cannot lock themself out; another admin (or `npm run admin`) can.
    if (user.id === admin.id && (patch.disabled === true || patch.role === UserRole.User)) {
      throw new ValidationFailedException('admins cannot disable or demote themselves', [
        { path: patch.disabled === true ? 'disabled' : 'role', message: 'ask another admin' },
      ]);
    }
    const disabledAt = patch.disabled === undefined ? user.disabledAt : patch.disabled ? new Date() : null;
    const changed = {
      tier: patch.tier !== undefined && patch.tier !== user.tier,
      role: patch.role !== undefined && patch.role !== user.role,
      disabled: (disabledAt === null) !== (user.disabledAt === null),
    };
    const next: UserEntity = {
      ...user,
      tier: patch.tier ?? user.tier,
      role: patch.role ?? user.role,
      disabledAt: changed.disabled ? disabledAt : user.disabledAt,
    };
    await this.users.update(id, { tier: next.tier, role: next.role, disabledAt: next.disabledAt });
    // Disabling ends every session at once; AccountStatusGuard also refuses the account's tokens from now on.
    if (changed.disabled && next.disabledAt) await this.revocation.revokeAllForUser(id);

    const event = { userId: id, actorId: admin.id };
    if (changed.tier) {
      await this.audit.record({
        ...event,
        type: AuditEventType.TierChanged,
        details: { from: user.tier, to: next.tier },
      });
    }
    if (changed.role) {
      await this.audit.record({
        ...event,
        type: AuditEventType.RoleChanged,
        details: { from: user.role, to: next.role },
      });
    }
    if (changed.disabled) {
      const type = next.disabledAt ? AuditEventType.UserDisabled : AuditEventType.UserEnabled;
      await this.audit.record({ ...event, type });
    }
    return userViewOf(next);
  }

  async usageOf(id: string): Promise<AdminUserUsage> {
    const user = await this.found(id);
    return { userId: user.id, ...(await this.usage.report(user.id, user.tier)) };
  }

  private async found(id: string): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFoundException(id);
    return user;
  }
}
