import { randomUUID } from 'node:crypto';
import type { ApiErrorBody, AuthResponse, MeView } from '@ultra/contracts';
import { Client } from 'pg';
import { jsonRequest, type JsonResponse } from '../../../../test/support/http';
import type { GatewayTestApp } from './gateway-test-app';

export const STRONG_PASSWORD = 'correct horse battery staple';
export type Answer = AuthResponse & MeView & ApiErrorBody;

/** The auth and account routes of a test gateway, as a client calls them. Test-only. */
export function authClient(gateway: GatewayTestApp) {
  const call = (method: string, path: string, body?: unknown, token?: string): Promise<JsonResponse<Answer>> =>
    jsonRequest<Answer>(gateway.url, method, path, { body, token });
  return {
    post: (path: string, body?: unknown, token?: string) => call('POST', `/api/auth/${path}`, body ?? {}, token),
    me: (token: string) => call('GET', '/api/users/me', undefined, token),
    patchMe: (token: string, body: unknown) => call('PATCH', '/api/users/me', body, token),
    /** A new account with a unique email; answers its first session. */
    async register(password = STRONG_PASSWORD): Promise<AuthResponse & { password: string }> {
      const email = `user-${randomUUID()}@example.com`;
      const response = await call('POST', '/api/auth/register', { email, password });
      if (response.status !== 201) throw new Error(`register answered ${response.status}`);
      return { ...response.body, password };
    },
    async login(email: string, password = STRONG_PASSWORD): Promise<AuthResponse> {
      const response = await call('POST', '/api/auth/login', { email, password });
      if (response.status !== 200) throw new Error(`login answered ${response.status}`);
      return response.body;
    },
    /** Runs SQL against the test gateway's database. */
    async sql<T extends object>(text: string, values: unknown[] = []): Promise<T[]> {
      const db = new Client({ connectionString: gateway.db.url });
      await db.connect();
      try {
        return (await db.query<T>(text, values)).rows;
      } finally {
        await db.end();
      }
    },
  };
}
