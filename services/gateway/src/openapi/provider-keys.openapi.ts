import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { type ProviderKeyView, providerKeyRequestSchema } from '@ultra/contracts';
import { z } from 'zod';
import { addRoute } from './api-route';

const tag = 'provider-keys';

const providerKeyView = z
  .object({
    provider: z.string().meta({ example: 'openai' }),
    last4: z.string().meta({ description: 'The last four characters of the key, to tell keys apart.' }),
    baseUrl: z.string().optional(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable().meta({ description: 'Marked at most once a minute.' }),
  })
  .meta({ id: 'ProviderKey' }) satisfies z.ZodType<ProviderKeyView>;

const params = z.object({
  provider: z
    .string()
    .meta({ description: 'openai, anthropic, google, mistral or a configured compatible server id.' }),
});

/** `/api/provider-keys` (README: "Your own provider keys"). */
export function registerProviderKeys(registry: OpenAPIRegistry): void {
  addRoute(registry, {
    method: 'put',
    path: '/api/provider-keys/{provider}',
    tag,
    summary: 'Store (or replace) your own key for a provider',
    description:
      'Sealed with AES-256-GCM under the server’s key-encryption key; never returned. Your calls to that provider ' +
      'then use it before the server’s key. A `baseUrl` must not be or resolve to a loopback, private, link-local ' +
      'or metadata address (PROVIDER_BASE_URL_ALLOW_HOSTS exempts hosts). 503 when KEY_ENCRYPTION_KEYS is not set.',
    params,
    body: providerKeyRequestSchema,
    success: { status: 200, description: 'Stored.', schema: providerKeyView },
  });
  addRoute(registry, {
    method: 'get',
    path: '/api/provider-keys',
    tag,
    summary: 'Your stored provider keys (never the keys)',
    success: {
      status: 200,
      description: 'The keys, by provider.',
      schema: z.object({ providerKeys: z.array(providerKeyView) }).meta({ id: 'ProviderKeyList' }),
    },
  });
  addRoute(registry, {
    method: 'delete',
    path: '/api/provider-keys/{provider}',
    tag,
    summary: 'Delete your key for a provider',
    description: 'Workers may keep using it for up to PROVIDER_KEY_CACHE_MS (30 s).',
    params,
    success: { status: 204, description: 'Deleted.' },
    errors: ['validation_failed', 'not_found'],
  });
}
