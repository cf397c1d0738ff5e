import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import {
  type AuthResponse,
  changePasswordSchema,
  credentialsSchema,
  type MeView,
  refreshSchema,
  updateMeSchema,
} from '@ultra/contracts';
import { z } from 'zod';
import { addRoute } from './api-route';

const authResponse = z
  .object({
    user: z.object({ id: z.uuid(), email: z.string() }),
    accessToken: z.string().meta({
      description: 'Send as `Authorization: Bearer …`; lasts JWT_ACCESS_TTL (15 min), ends at once on logout.',
    }),
    refreshToken: z.string().meta({
      description: 'For POST /api/auth/refresh, once: each use returns a new one; lasts JWT_REFRESH_TTL.',
    }),
  })
  .meta({ id: 'AuthResponse' }) satisfies z.ZodType<AuthResponse>;

const meView = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role: z.string().optional().meta({ description: '`user` or `admin`.' }),
    tier: z.string().optional(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Me' }) satisfies z.ZodType<MeView>;

const noStore = z.object({
  'cache-control': z.literal('no-store'),
  pragma: z.literal('no-cache'),
});

const credentials = credentialsSchema.meta({ id: 'Credentials' });
const tag = 'auth';
const PASSWORD_POLICY =
  'A new password needs PASSWORD_MIN_LENGTH (12) characters, must not be a common password and must score at ' +
  'least 2 of 4 with zxcvbn; otherwise 400 validation_failed naming the field.';

export function registerAuth(registry: OpenAPIRegistry): void {
  addRoute(registry, {
    method: 'post',
    path: '/api/auth/register',
    tag,
    public: true,
    summary: 'Create an account',
    description: `Emails are compared case-insensitively (stored lower-cased). ${PASSWORD_POLICY} Hashed with argon2id.`,
    body: credentials,
    success: { status: 201, description: 'The new user and a token pair.', schema: authResponse, headers: noStore },
    errors: ['email_taken'],
  });
  addRoute(registry, {
    method: 'post',
    path: '/api/auth/login',
    tag,
    public: true,
    summary: 'Sign in (starts a session)',
    description:
      'After LOGIN_MAX_FAILURES (5) failures of an account within 15 minutes (an IP: 20 times as many), each ' +
      'failure answering more slowly, sign-in is refused with 429 too_many_requests and `Retry-After` for ' +
      'LOGIN_BLOCK_S (900) seconds. A success clears the account’s count.',
    body: credentials,
    success: { status: 200, description: 'The user and a token pair.', schema: authResponse, headers: noStore },
    errors: ['invalid_credentials', 'account_disabled', 'too_many_requests'],
  });
  addRoute(registry, {
    method: 'post',
    path: '/api/auth/refresh',
    tag,
    public: true,
    summary: 'Exchange a refresh token for a new token pair',
    description:
      'The refresh token is spent: presenting it again answers 401 and revokes its whole session (the new pair ' +
      'too), since only a copy could be presented twice.',
    body: refreshSchema,
    success: { status: 200, description: 'A new token pair.', schema: authResponse, headers: noStore },
    errors: ['unauthorized', 'account_disabled'],
  });
  addRoute(registry, {
    method: 'post',
    path: '/api/auth/logout',
    tag,
    summary: 'End this session',
    description: 'Its access and refresh tokens are refused from the next request on.',
    success: { status: 204, description: 'Logged out.' },
  });
  addRoute(registry, {
    method: 'post',
    path: '/api/auth/logout-all',
    tag,
    summary: 'End every session of the account',
    success: { status: 204, description: 'Every session ended, this one included.' },
  });
  addRoute(registry, {
    method: 'post',
    path: '/api/auth/password',
    tag,
    summary: 'Change the password',
    description: `Every other session of the account ends; this one stays. ${PASSWORD_POLICY}`,
    body: changePasswordSchema.meta({ id: 'ChangePassword' }),
    success: { status: 204, description: 'Changed.' },
    errors: ['invalid_credentials'],
  });
  addRoute(registry, {
    method: 'get',
    path: '/api/users/me',
    tag: 'users',
    summary: 'The caller’s account',
    success: { status: 200, description: 'The account.', schema: meView },
  });
  addRoute(registry, {
    method: 'patch',
    path: '/api/users/me',
    tag: 'users',
    summary: 'Change the caller’s email',
    description: 'Needs the current password (401 invalid_credentials otherwise).',
    body: updateMeSchema.meta({ id: 'UpdateMe' }),
    success: { status: 200, description: 'The updated account.', schema: meView },
    errors: ['invalid_credentials', 'email_taken'],
  });
}
