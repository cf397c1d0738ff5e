import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiKeyScope } from '@ultra/contracts';
import type { AuthUser } from '../auth/token-claims';
import { ExternalIdentityService } from '../external-identity/external-identity.service';
import { isApiKey } from './api-key-secret';
import { InsufficientScopeException } from './api-key.exceptions';
import { ApiKeysService } from './api-keys.service';
import { REQUIRED_SCOPES } from './require-scopes.decorator';

interface CallerRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthUser;
}

/** Three base64url segments: a JWT's compact form. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function header(request: CallerRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The credentials the global guard does not hand to passport: API keys (`x-api-key: ultra_sk_…` or
 * `Authorization: Bearer ultra_sk_…`) and, when configured, an external identity provider's JWTs.
 */
@Injectable()
export class ApiCredentialsService {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly external: ExternalIdentityService,
  ) {}

  /**
   * True once it has put the caller on the request; false when the credential is the gateway's own access token
   * (or absent), for passport. Throws 401 for a bad key or external token, 403 for a key without the route's scope.
   */
  async authenticate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<CallerRequest>();
    const sent = /^Bearer\s+(\S+)$/i.exec(header(request, 'authorization') ?? '')?.[1];
    const keyHeader = header(request, 'x-api-key');
    // Anthropic's SDK sends its apiKey as x-api-key: an access token given there (a JWT, never key-shaped) is meant
    // as the bearer token. Passport reads only Authorization, so the token is put there when that is empty.
    const tokenInKeyHeader = keyHeader !== undefined && !isApiKey(keyHeader) && JWT_SHAPE.test(keyHeader);
    if (tokenInKeyHeader && sent === undefined) request.headers.authorization = `Bearer ${keyHeader}`;
    const bearer = sent ?? (tokenInKeyHeader ? keyHeader : undefined);
    // Otherwise x-api-key wins when both are sent: it can only ever be a key, so it is never mistaken for a session.
    const key = (tokenInKeyHeader ? undefined : keyHeader) ?? (bearer && isApiKey(bearer) ? bearer : undefined);
    if (key !== undefined) {
      const user = await this.apiKeys.authenticate(key);
      this.checkScopes(context, user.scopes ?? []);
      request.user = user;
      return true;
    }
    if (bearer && this.external.claims(bearer)) {
      request.user = await this.external.authenticate(bearer);
      return true;
    }
    return false;
  }

  private checkScopes(context: ExecutionContext, held: readonly ApiKeyScope[]): void {
    const required = this.reflector.getAllAndOverride<ApiKeyScope[] | undefined>(REQUIRED_SCOPES, [
      context.getHandler(),
      context.getClass(),
    ]);
    // No scope on the route means API keys may not use it at all (key management, account, sessions).
    if (!required) throw InsufficientScopeException.jwtOnly();
    const missing = required.filter((scope) => !held.includes(scope));
    if (missing.length > 0) throw InsufficientScopeException.missing(missing);
  }
}
