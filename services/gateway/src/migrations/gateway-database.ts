import type { DatabaseOptions } from '@ultra/platform';
import { UserEntity } from '../auth/user.entity';
import { DocumentChunkEntity, DocumentEntity } from '../documents/document.entity';
import { UserPatternEntity } from '../patterns/user-pattern.entity';
import { CreateUsers1763800000000 } from './1763800000000-create-users';
import { CreateUserPatterns1764400000000 } from './1764400000000-create-user-patterns';
import { CreateDocuments1765000008000 } from './1765000008000-create-documents';

/** The gateway's tables and their migration history, kept apart from results' (architecture: Databases). */
export const gatewayDatabase: DatabaseOptions = {
  entities: [UserEntity, UserPatternEntity, DocumentEntity, DocumentChunkEntity],
  // In order of application; append new migrations here.
  migrations: [CreateUsers1763800000000, CreateUserPatterns1764400000000, CreateDocuments1765000008000],
  migrationsTableName: 'gateway_migrations',
};
