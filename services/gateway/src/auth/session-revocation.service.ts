import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../config/gateway.config';
import { SessionsRepository } from './sessions.repository';

/** Margin over the access token lifetime, for clock skew between gateway processes. */
const SKEW_S = 60;

/**
 * Ends sessions: in Postgres (refresh tokens stop rotating) and in Redis (access tokens stop at once). A revoked
 * session id is kept in Redis for as long as any access token of it could still be unexpired, so every gateway
 * process refuses those tokens on their next request. Used on logout, password change, reuse of a refresh token,
 * and by admins disabling or deleting a user.
 */
@Injectable()
export class SessionRevocationService {
  constructor(
    private readonly sessions: SessionsRepository,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async revokeSession(sessionId: string): Promise<void> {
    await this.sessions.revoke({ id: sessionId });
    await this.markRevoked([sessionId]);
  }

  /** Every session of the user, or every one but `exceptSessionId` (a password change keeps the caller's). */
  async revokeAllForUser(userId: string, exceptSessionId?: string): Promise<void> {
    const ids = await this.sessions.revoke({ userId, exceptId: exceptSessionId });
    await this.markRevoked(ids);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.redis.exists(this.keyOf(sessionId))) === 1;
  }

  private async markRevoked(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const ttl = this.config.JWT_ACCESS_TTL + SKEW_S;
    const batch = this.redis.multi();
    for (const id of sessionIds) batch.set(this.keyOf(id), '1', 'EX', ttl);
    await batch.exec();
  }

  private keyOf(sessionId: string): string {
    return `${this.config.QUEUE_PREFIX}:auth:revoked-session:${sessionId}`;
  }
}
