import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, type Repository } from 'typeorm';
import { EmailTakenException } from './auth.exception';
import { UserEntity } from './user.entity';

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  return (error.driverError as Error & { code?: unknown }).code === UNIQUE_VIOLATION;
}

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /** Inserts a user; the unique constraint, not a prior lookup, decides a race between two sign-ups. */
  async create(email: string, passwordHash: string): Promise<UserEntity> {
    const user = this.users.create({ id: randomUUID(), email, passwordHash });
    try {
      await this.users.insert(user);
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTakenException(email);
      throw error;
    }
    return user;
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email });
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }
}
