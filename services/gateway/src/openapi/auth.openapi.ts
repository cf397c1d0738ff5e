import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { type AuthResponse, credentialsSchema, refreshSchema } from '@ultra/contracts';
import { z } from 'zod';
import { addRoute } from './api-route';

const authResponse = z
  .object({
    user: z.object({ id: z.uuid(), email: z.string() }),
    accessToken: z.string().meta({ description: 'Send as `Authorization: Bearer …`; lasts JWT_ACCESS_TTL.' }),
    refreshToken: z.string().meta({ description: 'For POST /api/auth/refresh; lasts JWT_REFRESH_TTL.' }),
  })
  .meta({ id: 'AuthResponse' }) satisfies z.ZodType<AuthResponse>;

const credentials = credentialsSchema.meta({ id: 'Credentials' });
const tag = 'auth';

export function registerAuth(registry: OpenAPIRegistry): void {
  addRoute(registry, {
    method: 'post',
    path: '/api/auth/register',
    tag,
    public: true,
    summary: 'Create an account',
    description: 'Passwords are hashed with argon2id; at least 8 characters.',
    body: credentials,
    success: { status: 201, description: 'The new user and a token pair.', schema: authResponse },
    errors: ['email_taken'],
  });
  addRoute(registry, {
    method: 'post',
    path: '/api/auth/login',
    tag,
    public: true,
    summary: 'Sign in',
    body: credentials,
    success: { status: 200, description: 'The user and a token pair.', schema: authResponse },
    errors: ['invalid_credentials'],
  });
  addRoute(registry, {
    method: 'post',
    path: '/api/auth/refresh',
    tag,
    public: true,
    summary: 'Exchange a refresh token for a new token pair',
    body: refreshSchema,
    success: { status: 200, description: 'A new token pair.', schema: authResponse },
    errors: ['unauthorized'],
  });
}
