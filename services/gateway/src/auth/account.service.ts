import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { AuditEventType, type ChangePassword, type MeView, type UpdateMe } from '@ultra/contracts';
import { AuditService } from '../audit/audit.service';
import { InvalidCredentialsException, UnauthorizedException } from './auth.exception';
import { HASH_OPTIONS } from './auth.service';
import { PasswordPolicyService } from './password-policy.service';
import { SessionRevocationService } from './session-revocation.service';
import type { AuthUser } from './token-claims';
import type { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

const viewOf = (user: UserEntity): MeView => ({
  id: user.id,
  email: user.email,
  role: user.role,
  tier: user.tier,
  createdAt: user.createdAt.toISOString(),
});

/** The caller's own account: profile, email and password. */
@Injectable()
export class AccountService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordPolicyService,
    private readonly revocation: SessionRevocationService,
    private readonly audit: AuditService,
  ) {}

  async me(caller: AuthUser): Promise<MeView> {
    return viewOf(await this.userOf(caller));
  }

  /** Another account's email answers 409 email_taken; the current password is required (a stolen token is not). */
  async updateMe(caller: AuthUser, change: UpdateMe): Promise<MeView> {
    const user = await this.withPassword(caller, change.currentPassword);
    if (change.email !== user.email) {
      await this.users.setEmail(user.id, change.email);
      await this.audit.record({
        type: AuditEventType.EmailChanged,
        userId: user.id,
        details: { from: user.email, to: change.email },
      });
    }
    return viewOf({ ...user, email: change.email });
  }

  /** Sets a new password (meeting the policy) and revokes every other session of the account. */
  async changePassword(caller: AuthUser, change: ChangePassword): Promise<void> {
    const user = await this.withPassword(caller, change.currentPassword);
    this.passwords.check(change.newPassword, user.email, 'newPassword');
    await this.users.setPasswordHash(user.id, await hash(change.newPassword, HASH_OPTIONS));
    await this.revocation.revokeAllForUser(user.id, caller.sessionId);
    await this.audit.record({ type: AuditEventType.PasswordChanged, userId: user.id });
  }

  private async withPassword(caller: AuthUser, password: string): Promise<UserEntity> {
    const user = await this.userOf(caller);
    if (!(await verify(user.passwordHash, password))) throw new InvalidCredentialsException();
    return user;
  }

  private async userOf(caller: AuthUser): Promise<UserEntity> {
    const user = await this.users.findById(caller.id);
    // The session check makes this unreachable for tokens; an API key's owner deleted in between lands here.
    if (!user) throw new UnauthorizedException('the account no longer exists');
    return user;
  }
}
