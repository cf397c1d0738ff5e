import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { UserDefaults } from '@ultra/contracts';
import type { Repository } from 'typeorm';
import { UserDefaultsEntity } from './user-defaults.entity';

/** Users' default panels, one row per user, always looked up by owner: no method reads another user's. */
@Injectable()
export class UserDefaultsRepository {
  constructor(@InjectRepository(UserDefaultsEntity) private readonly rows: Repository<UserDefaultsEntity>) {}

  findOf(userId: string): Promise<UserDefaultsEntity | null> {
    return this.rows.findOneBy({ userId });
  }

  /** Replaces the whole panel in one statement, so two concurrent PUTs leave one of them, never a mix. */
  async put(userId: string, defaults: UserDefaults): Promise<void> {
    await this.rows
      .createQueryBuilder()
      .insert()
      .into(UserDefaultsEntity)
      .values({ userId, ...defaults, updatedAt: () => 'now()' })
      .orUpdate(['models', 'ultra_model', 'pattern', 'updated_at'], ['user_id'])
      .execute();
  }

  async remove(userId: string): Promise<void> {
    await this.rows.delete({ userId });
  }
}
