import { SetMetadata } from '@nestjs/common';
import type { ApiKeyScope } from '@ultra/contracts';

export const REQUIRED_SCOPES = 'ultra:api-key-scopes';

/**
 * The scopes an API key needs for a route (all of them). A route without it refuses API keys (403): account and
 * key management stay with signed-in users. JWT callers are not affected.
 */
export const RequireScopes = (...scopes: ApiKeyScope[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_SCOPES, scopes);
