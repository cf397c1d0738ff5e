import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { AuditEventType, AuditEventView, AuditPage } from '@ultra/contracts';
import type { Repository } from 'typeorm';
import { decodeCursor, pageOf } from './audit-cursor';
import { AuditEventEntity } from './audit-event.entity';

export interface AuditFilter {
  userId?: string;
  type?: AuditEventType;
  limit: number;
  cursor?: string;
}

function viewOf(event: AuditEventEntity): AuditEventView {
  return {
    id: event.id,
    type: event.type,
    userId: event.userId,
    actorId: event.actorId,
    ip: event.ip,
    userAgent: event.userAgent,
    details: event.details,
    createdAt: event.createdAt.toISOString(),
  };
}

/** created_at as cursors carry it (milliseconds), so rows within one millisecond page in id order. */
const CREATED_MS = "date_trunc('milliseconds', e.created_at)";

/** Reads the audit log, newest first, a page at a time (keyset paging on created_at, id). */
@Injectable()
export class AuditRepository {
  constructor(@InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>) {}

  async list({ userId, type, limit, cursor }: AuditFilter): Promise<AuditPage> {
    const after = decodeCursor(cursor);
    const query = this.events.createQueryBuilder('e');
    if (userId) query.andWhere('e.user_id = :userId', { userId });
    if (type) query.andWhere('e.type = :type', { type });
    if (after) {
      query.andWhere(`(${CREATED_MS}, e.id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))`, {
        at: after.createdAt.toISOString(),
        id: after.id,
      });
    }
    const rows = await query
      .orderBy(CREATED_MS, 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const { items, nextCursor } = pageOf(rows, limit);
    return { events: items.map(viewOf), nextCursor };
  }
}
