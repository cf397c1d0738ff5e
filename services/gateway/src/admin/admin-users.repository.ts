import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { AdminUserPage, AdminUserView } from '@ultra/contracts';
import type { Repository } from 'typeorm';
import { decodeCursor, pageOf } from '../audit/audit-cursor';
import { UserEntity } from '../auth/user.entity';

export function userViewOf(user: UserEntity): AdminUserView {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    tier: user.tier,
    disabledAt: user.disabledAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
  };
}

/** `%`, `_` and `\` of a search are matched as themselves. */
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** created_at as cursors carry it (milliseconds), so rows within one millisecond page in id order. */
const CREATED_MS = "date_trunc('milliseconds', u.created_at)";

/** Accounts as admins see and change them. */
@Injectable()
export class AdminUsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /** Newest accounts first; `q` matches part of the email (stored lower-cased). */
  async list(limit: number, cursor?: string, q?: string): Promise<AdminUserPage> {
    const after = decodeCursor(cursor);
    const query = this.users.createQueryBuilder('u');
    if (q) query.andWhere(`u.email LIKE :q ESCAPE '\\'`, { q: `%${likeEscaped(q.toLowerCase())}%` });
    if (after) {
      query.andWhere(`(${CREATED_MS}, u.id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))`, {
        at: after.createdAt.toISOString(),
        id: after.id,
      });
    }
    const rows = await query
      .orderBy(CREATED_MS, 'DESC')
      .addOrderBy('u.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const { items, nextCursor } = pageOf(rows, limit);
    return { users: items.map(userViewOf), nextCursor };
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  async update(id: string, changes: Partial<Pick<UserEntity, 'role' | 'tier' | 'disabledAt'>>): Promise<void> {
    await this.users.update({ id }, changes);
  }
}
