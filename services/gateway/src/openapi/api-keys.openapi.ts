import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { type ApiKeyView, type CreatedApiKey, apiKeyScopes, createApiKeySchema } from '@ultra/contracts';
import { z } from 'zod';
import { addRoute } from './api-route';

const tag = 'api-keys';
/** The name of the `x-api-key` header scheme in `components.securitySchemes`. */
export const API_KEY = 'apiKey';

const apiKeyView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z
      .string()
      .meta({ description: '`ultra_sk_` and the first 8 characters of the key.', example: 'ultra_sk_Xq3v9LtA' }),
    scopes: z.array(z.enum(apiKeyScopes)),
    createdAt: z.string().meta({ description: 'ISO 8601, UTC.' }),
    expiresAt: z.string().nullable().meta({ description: 'ISO 8601; null: never expires.' }),
    lastUsedAt: z.string().nullable().meta({ description: 'Updated at most once a minute.' }),
  })
  .meta({ id: 'ApiKey' }) satisfies z.ZodType<ApiKeyView>;

const createdApiKey = apiKeyView
  .extend({
    key: z.string().meta({ description: 'The key itself: shown only in this answer.', example: 'ultra_sk_…' }),
  })
  .meta({ id: 'CreatedApiKey' }) satisfies z.ZodType<CreatedApiKey>;

const scopesText =
  'Scopes: `analyze` (create or change analyses, documents and patterns), `read` (read them, the catalog, ' +
  'estimates), `admin` (admin routes; only an admin can give it). Send the key as `x-api-key: ultra_sk_…` or ' +
  '`Authorization: Bearer ultra_sk_…`. Key management and account routes refuse API keys (403 insufficient_scope).';

export function registerApiKeys(registry: OpenAPIRegistry): void {
  addRoute(registry, {
    method: 'post',
    path: '/api/api-keys',
    tag,
    summary: 'Create an API key (the key is shown once)',
    description: `Only the SHA-256 of the key is stored. ${scopesText}`,
    body: createApiKeySchema.meta({ id: 'CreateApiKey' }),
    success: { status: 201, description: 'The key, once, with its listing fields.', schema: createdApiKey },
    errors: ['insufficient_scope'],
  });
  addRoute(registry, {
    method: 'get',
    path: '/api/api-keys',
    tag,
    summary: 'The caller’s API keys (never the keys themselves)',
    description: 'Revoked keys are left out; expired ones stay until deleted.',
    success: { status: 200, description: 'Newest first.', schema: z.array(apiKeyView).meta({ id: 'ApiKeyList' }) },
    errors: ['insufficient_scope'],
  });
  addRoute(registry, {
    method: 'delete',
    path: '/api/api-keys/{id}',
    tag,
    summary: 'Revoke an API key',
    description: 'It fails from the next request on. Another user’s key is 404.',
    success: { status: 204, description: 'Revoked.' },
    errors: ['not_found', 'insufficient_scope'],
  });
}
