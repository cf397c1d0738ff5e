import type { DatabaseOptions } from '@ultra/platform';
import { UserEntity } from '../auth/user.entity';
import { CreateUsers1763800000000 } from './1763800000000-create-users';

/** The gateway's tables and their migration history, kept apart from results' (architecture: Databases). */
export const gatewayDatabase: DatabaseOptions = {
  entities: [UserEntity],
  // In order of application; append new migrations here.
  migrations: [CreateUsers1763800000000],
  migrationsTableName: 'gateway_migrations',
};
