import type { DatabaseOptions } from '@ultra/platform';
import { ApiKeyEntity } from '../api-keys/api-key.entity';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { SessionEntity } from '../auth/session.entity';
import { UserEntity } from '../auth/user.entity';
import { DocumentChunkEntity, DocumentEntity } from '../documents/document.entity';
import { UserPatternEntity } from '../patterns/user-pattern.entity';
import { ProviderKeyEntity } from '../provider-keys/provider-key.entity';
import { UserDefaultsEntity } from '../user-defaults/user-defaults.entity';
import { CreateUsers1763800000000 } from './1763800000000-create-users';
import { CreateUserPatterns1764400000000 } from './1764400000000-create-user-patterns';
import { CreateDocuments1765000008000 } from './1765000008000-create-documents';
import { CreateProviderKeys1766000004000 } from './1766000004000-create-provider-keys';
import { CreateSessions1766000001000 } from './1766000001000-create-sessions';
import { AddRolesAndAudit1766000002000 } from './1766000002000-add-roles-and-audit';
import { CreateApiKeys1766000003000 } from './1766000003000-create-api-keys';
import { CreateUserDefaults1767000002000 } from './1767000002000-create-user-defaults';

/** The gateway's tables and their migration history, kept apart from results' (architecture: Databases). */
export const gatewayDatabase: DatabaseOptions = {
  entities: [
    ApiKeyEntity,
    AuditEventEntity,
    UserEntity,
    SessionEntity,
    UserPatternEntity,
    DocumentEntity,
    DocumentChunkEntity,
    ProviderKeyEntity,
    UserDefaultsEntity,
  ],
  // In order of application; append new migrations here.
  migrations: [
    CreateUsers1763800000000,
    CreateUserPatterns1764400000000,
    CreateDocuments1765000008000,
    CreateSessions1766000001000,
    AddRolesAndAudit1766000002000,
    CreateApiKeys1766000003000,
    CreateProviderKeys1766000004000,
    CreateUserDefaults1767000002000,
  ],
  migrationsTableName: 'gateway_migrations',
};
