import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ProviderKeyEntity } from './provider-key.entity';

export type StoredProviderKey = Omit<ProviderKeyEntity, 'createdAt' | 'lastUsedAt'>;

/** Provider keys, always by owner: no method reads another user's. */
@Injectable()
export class ProviderKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(ProviderKeyEntity);
  }

  /** Insert or replace (a new key for the same provider keeps no trace of the old one); created_at restarts. */
  async put(key: StoredProviderKey): Promise<ProviderKeyEntity> {
    await this.dataSource.query(
      `INSERT INTO provider_keys (user_id, provider, kid, iv, ciphertext, tag, last4, base_url)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (user_id, provider) DO UPDATE SET kid = $3, iv = $4, ciphertext = $5, tag = $6, last4 = $7,
         base_url = $8, created_at = now(), last_used_at = NULL`,
      [key.userId, key.provider, key.kid, key.iv, key.ciphertext, key.tag, key.last4, key.baseUrl],
    );
    return this.repo.findOneByOrFail({ userId: key.userId, provider: key.provider });
  }

  listOf(userId: string): Promise<ProviderKeyEntity[]> {
    return this.repo.find({ where: { userId }, order: { provider: 'ASC' } });
  }

  /** The providers this user has a key for (what preflight and the catalog ask). */
  async providersOf(userId: string): Promise<ReadonlySet<string>> {
    const rows = await this.repo.find({ where: { userId }, select: { provider: true } });
    return new Set(rows.map((r) => r.provider));
  }

  async remove(userId: string, provider: string): Promise<boolean> {
    const { affected } = await this.repo.delete({ userId, provider });
    return (affected ?? 0) > 0;
  }
}
