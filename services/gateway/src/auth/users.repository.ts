import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { APP_CONFIG } from '@ultra/platform';
import type { Repository } from 'typeorm';
import { isUniqueViolation } from '../common/database-errors';
import type { GatewayConfig } from '../config/gateway.config';
import { EmailTakenException } from './auth.exception';
import { UserEntity } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @Inject(APP_CONFIG) private readonly config: Pick<GatewayConfig, 'DEFAULT_TIER'>,
  ) {}

  /** Inserts a user; the unique constraint, not a prior lookup, decides a race between two sign-ups. */
  async create(email: string, passwordHash: string): Promise<UserEntity> {
    const user = this.users.create({
      id: randomUUID(),
      email: email.toLowerCase(),
      passwordHash,
      tier: this.config.DEFAULT_TIER,
    });
    try {
      await this.users.insert(user);
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTakenException(email);
      throw error;
    }
    return user;
  }

  /** Emails are stored lower-cased; the lookup lower-cases too, so any spelling of an address finds it. */
  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email: email.toLowerCase() });
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.users.update({ id }, { passwordHash });
  }

  /** Changes the email; 409 email_taken when another account has it (the unique key decides a race). */
  async setEmail(id: string, email: string): Promise<void> {
    try {
      await this.users.update({ id }, { email: email.toLowerCase() });
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTakenException(email);
      throw error;
    }
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }
}
