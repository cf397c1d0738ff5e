import { z } from 'zod';

/** What an API key may do: `analyze` creates or changes analyses, documents and patterns; `read` reads them. */
export const ApiKeyScope = { Analyze: 'analyze', Read: 'read', Admin: 'admin' } as const;
export type ApiKeyScope = (typeof ApiKeyScope)[keyof typeof ApiKeyScope];
export const apiKeyScopes = Object.values(ApiKeyScope) as [ApiKeyScope, ...ApiKeyScope[]];

/** Every API key starts with this, so the gateway tells it from a JWT at a glance (and secret scanners find it). */
export const API_KEY_PREFIX = 'ultra_sk_';

export const createApiKeySchema = z.object({
  name: z.string({ error: 'name is required' }).trim().min(1, 'name must not be empty').max(100),
  scopes: z
    .array(z.enum(apiKeyScopes, { error: `scopes must be among ${apiKeyScopes.join(', ')}` }))
    .min(1, 'scopes must name at least one scope')
    .refine((scopes) => new Set(scopes).size === scopes.length, 'scopes must not repeat'),
  expiresAt: z.iso
    .datetime({ offset: true, error: 'expiresAt must be an ISO 8601 date-time' })
    .refine((at) => Date.parse(at) > Date.now(), 'expiresAt must be in the future')
    .optional(),
});
export type CreateApiKeyRequest = z.infer<typeof createApiKeySchema>;

/** An API key as listed: never the key itself. */
export interface ApiKeyView {
  id: string;
  name: string;
  /** The key's first characters, to recognise it. */
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

/** The answer to creating a key: the only time the key itself is shown. */
export interface CreatedApiKey extends ApiKeyView {
  key: string;
}
