import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  type ApiKeyScope,
  type ApiKeyView,
  AuditEventType,
  type CreateApiKeyRequest,
  type CreatedApiKey,
} from '@ultra/contracts';
import { AuditService } from '../audit/audit.service';
import { UnauthorizedException } from '../auth/auth.exception';
import type { AuthUser } from '../auth/token-claims';
import { generateApiKey, hashApiKey, isWellFormedApiKey, sameHash } from './api-key-secret';
import type { ApiKeyEntity } from './api-key.entity';
import { ApiKeyNotFoundException, InsufficientScopeException } from './api-key.exceptions';
import { isInactive, scopesAllowedTo } from './api-key-owner';
import { ApiKeysRepository } from './api-keys.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** last_used_at is written at most this often per key (and this process remembers when it last wrote it). */
const TOUCH_INTERVAL_MS = 60_000;
const INVALID = 'the API key is not valid';

function viewOf(key: ApiKeyEntity): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class ApiKeysService implements OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly touchedAt = new Map<string, number>();
  private readonly pendingTouches = new Set<Promise<void>>();

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly audit: AuditService,
  ) {}

  async create(user: AuthUser, request: CreateApiKeyRequest): Promise<CreatedApiKey> {
    const owner = await this.keys.ownerOf(user.id);
    if (!owner) throw new UnauthorizedException();
    const allowed = scopesAllowedTo(owner);
    const refused = request.scopes.filter((scope) => !allowed.has(scope));
    if (refused.length > 0) {
      throw new InsufficientScopeException(`your role cannot give a key the scope ${refused.join(', ')}`, refused);
    }
    const secret = generateApiKey();
    const entity: ApiKeyEntity = {
      id: randomUUID(),
      userId: user.id,
      name: request.name,
      prefix: secret.prefix,
      hash: secret.hash,
      scopes: request.scopes,
      expiresAt: request.expiresAt ? new Date(request.expiresAt) : null,
      lastUsedAt: null,
      revokedAt: null,
      createdAt: new Date(),
    };
    await this.keys.insert(entity);
    await this.audit.record({
      type: AuditEventType.ApiKeyCreated,
      userId: user.id,
      details: { keyId: entity.id, prefix: entity.prefix, scopes: entity.scopes },
    });
    return { ...viewOf(entity), key: secret.key };
  }

  async list(userId: string): Promise<ApiKeyView[]> {
    return (await this.keys.listOf(userId)).map(viewOf);
  }

  /** Revoked in the database the next request reads: nothing caches keys, so the key fails at once. */
  async revoke(id: string, userId: string): Promise<void> {
    if (!UUID.test(id) || !(await this.keys.revoke(id, userId))) throw new ApiKeyNotFoundException(id);
    await this.audit.record({ type: AuditEventType.ApiKeyRevoked, userId, details: { keyId: id } });
  }

  /** The caller a key stands for, with the scopes its owner's role still allows; 401 for any unusable key. */
  async authenticate(credential: string): Promise<AuthUser> {
    if (!isWellFormedApiKey(credential)) throw new UnauthorizedException(INVALID);
    const hash = hashApiKey(credential);
    const found = await this.keys.findByHash(hash);
    // The lookup matched the hash already; comparing again in constant time costs nothing and keeps the rule simple.
    if (!found || !sameHash(found.key.hash, hash)) throw new UnauthorizedException(INVALID);
    const { key, owner } = found;
    if (key.revokedAt) throw new UnauthorizedException('the API key has been revoked');
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) {
      throw new UnauthorizedException('the API key has expired');
    }
    if (isInactive(owner)) throw new UnauthorizedException(INVALID);
    this.touch(key.id);
    const allowed = scopesAllowedTo(owner);
    const scopes: ApiKeyScope[] = key.scopes.filter((scope) => allowed.has(scope));
    return { id: key.userId, email: String(owner.email), via: 'api_key', scopes };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.pendingTouches);
  }

  /** Off the request path: the answer never waits for this write, and a failure only costs a timestamp. */
  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.touchedAt.get(id) ?? 0) < TOUCH_INTERVAL_MS) return;
    // Bounded memory: forgetting only costs a write that the UPDATE's own condition then skips.
    if (this.touchedAt.size >= 10_000) this.touchedAt.clear();
    this.touchedAt.set(id, now);
    const write = this.keys
      .touch(id)
      .catch((error: unknown) => this.logger.warn(`could not record the use of API key ${id}: ${String(error)}`))
      .finally(() => this.pendingTouches.delete(write));
    this.pendingTouches.add(write);
  }
}
