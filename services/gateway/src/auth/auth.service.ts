import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { AuditEventType, type AuthResponse, type Credentials } from '@ultra/contracts';
import { AuditService } from '../audit/audit.service';
import { AccountDisabledException, InvalidCredentialsException, UnauthorizedException } from './auth.exception';
import { LoginThrottleService } from './login-throttle.service';
import { PasswordPolicyService } from './password-policy.service';
import { SessionRevocationService } from './session-revocation.service';
import { type SessionOrigin, SessionsRepository } from './sessions.repository';
import { TokenType } from './token-claims';
import { TokenService } from './token.service';
import type { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

export const HASH_OPTIONS = { algorithm: Algorithm.Argon2id };

/** Where a sign-in request came from: the IP is what login throttling counts by. */
export interface RequestOrigin extends SessionOrigin {
  ip: string;
}

@Injectable()
export class AuthService {
  // Verified against when the email is unknown, so sign-in takes as long whether or not the account exists.
  private readonly decoyHash = hash(randomUUID(), HASH_OPTIONS);

  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
    private readonly sessions: SessionsRepository,
    private readonly revocation: SessionRevocationService,
    private readonly passwords: PasswordPolicyService,
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditService,
  ) {}

  async register(credentials: Credentials, origin: RequestOrigin): Promise<AuthResponse> {
    this.passwords.check(credentials.password, credentials.email);
    const passwordHash = await hash(credentials.password, HASH_OPTIONS);
    const user = await this.users.create(credentials.email, passwordHash);
    await this.audit.record({ type: AuditEventType.Registered, userId: user.id });
    return this.startSession(user, origin);
  }

  async login(credentials: Credentials, origin: RequestOrigin): Promise<AuthResponse> {
    await this.throttle.assertAllowed(credentials.email, origin.ip);
    const user = await this.users.findByEmail(credentials.email);
    const valid = await verify(user?.passwordHash ?? (await this.decoyHash), credentials.password);
    if (!user || !valid) {
      await this.throttle.failed(credentials.email, origin.ip);
      await this.audit.recordFailedLogin(credentials.email);
      throw new InvalidCredentialsException();
    }
    await this.throttle.succeeded(credentials.email);
    if (user.disabledAt) throw new AccountDisabledException();
    await this.audit.record({ type: AuditEventType.Login, userId: user.id });
    return this.startSession(user, origin);
  }

  /**
   * A new pair for the session's current refresh token, which is then spent. Presenting a spent one means it was
   * copied: the whole session is revoked, so the thief's and the owner's tokens all stop (reuse detection).
   */
  async refresh(refreshToken: string): Promise<AuthResponse> {
    const claims = await this.tokens.verify(refreshToken, TokenType.Refresh);
    if (!claims) throw new UnauthorizedException('refresh token is invalid or has expired');
    const nextJti = this.tokens.newTokenId();
    const outcome = await this.sessions.rotate(claims.sid, claims.sub, claims.jti, nextJti);
    if (outcome === 'reused') {
      await this.revocation.revokeSession(claims.sid);
      throw new UnauthorizedException('refresh token was already used; its session has been revoked');
    }
    const user = outcome === 'rotated' ? await this.users.findById(claims.sub) : null;
    if (!user) throw new UnauthorizedException('refresh token is invalid, revoked or has expired');
    if (user.disabledAt) {
      await this.revocation.revokeSession(claims.sid);
      throw new AccountDisabledException();
    }
    return this.tokens.issue(user, claims.sid, nextJti);
  }

  async logout(sessionId: string, userId?: string): Promise<void> {
    await this.revocation.revokeSession(sessionId);
    await this.audit.record({ type: AuditEventType.Logout, userId, details: { sessionId } });
  }

  async logoutAll(userId: string): Promise<void> {
    await this.revocation.revokeAllForUser(userId);
    await this.audit.record({ type: AuditEventType.LogoutAll, userId });
  }

  private async startSession(user: UserEntity, origin: SessionOrigin): Promise<AuthResponse> {
    const refreshJti = this.tokens.newTokenId();
    const session = await this.sessions.create(user.id, refreshJti, origin);
    return this.tokens.issue(user, session.id, refreshJti);
  }
}
