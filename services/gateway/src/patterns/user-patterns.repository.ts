import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { PatternSpec } from '@ultra/contracts';
import type { Repository } from 'typeorm';
import { isUniqueViolation } from '../common/database-errors';
import { PatternExistsException } from './pattern.exceptions';
import { UserPatternEntity } from './user-pattern.entity';

/** Users' own patterns, always looked up by owner: no method reads another user's. */
@Injectable()
export class UserPatternsRepository {
  constructor(@InjectRepository(UserPatternEntity) private readonly patterns: Repository<UserPatternEntity>) {}

  listOf(userId: string): Promise<UserPatternEntity[]> {
    return this.patterns.find({ where: { userId }, order: { slug: 'ASC' } });
  }

  find(userId: string, slug: string): Promise<UserPatternEntity | null> {
    return this.patterns.findOneBy({ userId, slug });
  }

  /** The unique key (user, slug) decides a race between two creations of one id. */
  async create(userId: string, spec: PatternSpec): Promise<void> {
    try {
      await this.patterns.insert({ id: randomUUID(), userId, slug: spec.id, spec });
    } catch (error) {
      if (isUniqueViolation(error)) throw new PatternExistsException(spec.id, false);
      throw error;
    }
  }

  /** False when the user has no pattern of that id. */
  async replace(userId: string, slug: string, spec: PatternSpec): Promise<boolean> {
    const { affected } = await this.patterns.update({ userId, slug }, { spec });
    return (affected ?? 0) > 0;
  }

  /** False when the user has no pattern of that id. */
  async remove(userId: string, slug: string): Promise<boolean> {
    const { affected } = await this.patterns.delete({ userId, slug });
    return (affected ?? 0) > 0;
  }
}
