import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ApiKeyScope } from '@ultra/contracts';
import { IsNull, type Repository } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';

/** A key found by its hash, with its user's row as JSON (whatever columns users has: role, disabled_at…). */
export interface ApiKeyWithOwner {
  key: ApiKeyEntity;
  owner: Record<string, unknown>;
}

interface KeyOwnerRow {
  id: string;
  user_id: string;
  hash: string;
  scopes: ApiKeyScope[];
  expires_at: Date | null;
  revoked_at: Date | null;
  owner: Record<string, unknown>;
}

@Injectable()
export class ApiKeysRepository {
  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  async insert(key: ApiKeyEntity): Promise<void> {
    await this.keys.insert(key);
  }

  /** The user's keys that are not revoked, newest first (expired ones stay listed until deleted). */
  listOf(userId: string): Promise<ApiKeyEntity[]> {
    return this.keys.find({ where: { userId, revokedAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  /** Revokes the user's key; false when there is no such live key of theirs. */
  async revoke(id: string, userId: string): Promise<boolean> {
    const result = await this.keys.update({ id, userId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    return (result.affected ?? 0) > 0;
  }

  /**
   * The key with this hash and its owner, read together on every request: no cache, so a revoked key, a disabled
   * or deleted user is refused from the next request on. The owner is JSON so this reads whatever users holds.
   */
  async findByHash(hash: string): Promise<ApiKeyWithOwner | null> {
    const rows = await this.keys.query<KeyOwnerRow[]>(
      `SELECT k.id, k.user_id, k.hash, k.scopes, k.expires_at, k.revoked_at, to_jsonb(u) AS owner
         FROM api_keys k JOIN users u ON u.id = k.user_id
        WHERE k.hash = $1`,
      [hash],
    );
    const row = rows[0];
    if (!row) return null;
    const key = this.keys.create({
      id: row.id,
      userId: row.user_id,
      hash: row.hash,
      scopes: row.scopes,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
    });
    return { key, owner: row.owner };
  }

  /** Records a use; the condition keeps it to one write a minute per key even across gateway processes. */
  async touch(id: string): Promise<void> {
    await this.keys.query(
      `UPDATE api_keys SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }

  /** The owner's row as JSON (role, disabled…), for checking what scopes a new key may hold. */
  async ownerOf(userId: string): Promise<Record<string, unknown> | null> {
    const rows = await this.keys.query<{ owner: Record<string, unknown> }[]>(
      'SELECT to_jsonb(u) AS owner FROM users u WHERE u.id = $1',
      [userId],
    );
    return rows[0]?.owner ?? null;
  }
}
