import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { SessionEntity } from './session.entity';

/** Where a sign-in came from, kept for the user's own review of their sessions. */
export interface SessionOrigin {
  userAgent?: string;
  ip?: string;
}

/** What presenting a refresh token led to: rotated, reused (the session is now revoked), or nothing valid. */
export type RotateOutcome = 'rotated' | 'reused' | 'invalid';

export const hashOfTokenId = (jti: string): string => createHash('sha256').update(jti).digest('hex');

@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>) {}

  async create(userId: string, refreshJti: string, origin: SessionOrigin): Promise<SessionEntity> {
    const session = this.sessions.create({
      id: randomUUID(),
      userId,
      refreshHash: hashOfTokenId(refreshJti),
      lastUsedAt: new Date(),
      revokedAt: null,
      userAgent: origin.userAgent?.slice(0, 512) ?? null,
      ip: origin.ip?.slice(0, 64) ?? null,
    });
    await this.sessions.insert(session);
    return session;
  }

  /**
   * Swaps the current refresh token for the next one in one statement, so of two requests racing with the same
   * token exactly one wins. A live session whose current token is a different one was shown an old token: reuse.
   */
  async rotate(sessionId: string, userId: string, presentedJti: string, nextJti: string): Promise<RotateOutcome> {
    const result = await this.sessions
      .createQueryBuilder()
      .update()
      .set({ refreshHash: hashOfTokenId(nextJti), lastUsedAt: () => 'now()' })
      .where('id = :sessionId AND user_id = :userId AND refresh_hash = :hash AND revoked_at IS NULL', {
        sessionId,
        userId,
        hash: hashOfTokenId(presentedJti),
      })
      .execute();
    if (result.affected === 1) return 'rotated';
    const live = await this.sessions.existsBy({ id: sessionId, userId, revokedAt: IsNull() });
    return live ? 'reused' : 'invalid';
  }

  /** Marks the sessions revoked; answers the ids that were live until now. */
  async revoke(where: { id?: string; userId?: string; exceptId?: string }): Promise<string[]> {
    const query = this.sessions
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('revoked_at IS NULL');
    if (where.id) query.andWhere('id = :id', { id: where.id });
    if (where.userId) query.andWhere('user_id = :userId', { userId: where.userId });
    if (where.exceptId) query.andWhere('id <> :exceptId', { exceptId: where.exceptId });
    const result = await query.returning(['id']).execute();
    const rows: unknown = result.raw;
    return Array.isArray(rows) ? rows.map((row: { id: string }) => row.id) : [];
  }

  /** The email of the session's user when both exist and the session is live; null otherwise. */
  async liveUserEmail(sessionId: string, userId: string): Promise<string | null> {
    const rows: { email: string }[] = await this.sessions.query(
      `SELECT u.email FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL`,
      [sessionId, userId],
    );
    return rows[0]?.email ?? null;
  }
}
