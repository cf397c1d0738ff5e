import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@ultra/platform';
import type { GatewayConfig } from '../config/gateway.config';
import { SessionRevocationService } from './session-revocation.service';
import { SessionsRepository } from './sessions.repository';

/** Entries kept at most; past it the cache starts over (it only saves lookups, never decides alone). */
const MAX_ENTRIES = 10_000;

/**
 * Whether an access token's session is still good, checked on every request: first Redis' revoked-session ids
 * (so a revocation anywhere applies at once in every process), then that the session and its user still exist in
 * Postgres, remembered for SESSION_CACHE_MS so a busy client costs one primary-key lookup per interval.
 */
@Injectable()
export class SessionCheckService {
  private readonly live = new Map<string, { email: string; until: number }>();

  constructor(
    private readonly revocations: SessionRevocationService,
    private readonly sessions: SessionsRepository,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The user's current email when the session is live; null when it was revoked or its user deleted. */
  async emailOfLiveSession(sessionId: string, userId: string): Promise<string | null> {
    if (await this.revocations.isRevoked(sessionId)) {
      this.live.delete(sessionId);
      return null;
    }
    const now = Date.now();
    const cached = this.live.get(sessionId);
    if (cached && cached.until > now) return cached.email;
    const email = await this.sessions.liveUserEmail(sessionId, userId);
    if (email === null) {
      this.live.delete(sessionId);
      return null;
    }
    if (this.config.SESSION_CACHE_MS > 0) {
      if (this.live.size >= MAX_ENTRIES) this.live.clear();
      this.live.set(sessionId, { email, until: now + this.config.SESSION_CACHE_MS });
    }
    return email;
  }
}
