import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditEventType } from '@ultra/contracts';
import type { DataSource } from 'typeorm';
import { currentOrigin, originOf } from './audit-context';

type RequestLike = Parameters<typeof originOf>[0];

export interface AuditRecord {
  type: AuditEventType;
  /** The account the event is about. */
  userId?: string | null;
  /** Who acted, when not the user themself (an admin). */
  actorId?: string | null;
  /** Where the request came from; by default the request being handled (AuditContextMiddleware). */
  request?: RequestLike;
  /** What else is worth knowing, e.g. `{from, to}` of a tier change. Never a secret. */
  details?: Record<string, unknown>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Writes the audit log. Recording never fails the request it belongs to: a failed write is logged (as an error,
 * so it is noticed) and the request goes on, because refusing a sign-in over a log row would be worse.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async record({ type, userId, actorId, request, details }: AuditRecord): Promise<void> {
    await this.insert(type, request, details ?? {}, '$7::uuid', [userId ?? null, actorId ?? null]);
  }

  /**
   * A failed sign-in: it belongs to the account of `email` when there is one (so its owner sees the attempt). The
   * lookup happens inside the insert, which takes as long whether or not the account exists.
   */
  async recordFailedLogin(email: string, request?: RequestLike): Promise<void> {
    const owner = '(SELECT id FROM users WHERE email = $7)';
    await this.insert(AuditEventType.LoginFailed, request, { email }, owner, [email, null]);
  }

  private async insert(
    type: AuditEventType,
    request: RequestLike | undefined,
    details: Record<string, unknown>,
    userIdSql: string,
    [user, actorId]: [string | null, string | null],
  ): Promise<void> {
    const origin = request ? originOf(request) : currentOrigin();
    try {
      // created_at to the millisecond, as paging cursors carry it.
      await this.db.query(
        `INSERT INTO audit_events (id, type, actor_id, ip, user_agent, details, user_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, ${userIdSql}, $8)`,
        [randomUUID(), type, actorId, origin?.ip ?? null, origin?.userAgent ?? null, details, user, new Date()],
      );
    } catch (error) {
      this.logger.error(`could not record the audit event ${type}: ${messageOf(error)}`);
    }
  }
}
