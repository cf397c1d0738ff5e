import type { DatabaseOptions } from '@ultra/platform';
import { UserEntity } from '../auth/user.entity';
import { UserPatternEntity } from '../patterns/user-pattern.entity';
import { CreateUsers1763800000000 } from './1763800000000-create-users';
import { CreateUserPatterns1764400000000 } from './1764400000000-create-user-patterns';

/** The gateway's tables and their migration history, kept apart from results' (architecture: Databases). */
export const gatewayDatabase: DatabaseOptions = {
  entities: [UserEntity, UserPatternEntity],
  // In order of application; append new migrations here.
  migrations: [CreateUsers1763800000000, CreateUserPatterns1764400000000],
  migrationsTableName: 'gateway_migrations',
};
