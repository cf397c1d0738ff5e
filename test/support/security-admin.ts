import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { AuthResponse } from '@ultra/contracts';
import { ApiClient } from './api';
import { dist, type TestStack } from './stack';

const execFileAsync = promisify(execFile);

/** An admin made the only way there is, `npm run admin -- create <email>` (its built script), then signed in. */
export async function createAdmin(stack: TestStack): Promise<ApiClient> {
  const email = `admin-${randomUUID()}@example.com`;
  const password = `admin passphrase ${randomUUID()}`;
  await execFileAsync(process.execPath, [dist('gateway', 'admin-cli.js'), 'create', email], {
    env: { ...process.env, ...stack.env, ADMIN_PASSWORD: password },
    timeout: 30_000,
  });
  const login = await new ApiClient(stack.baseUrl).request<AuthResponse>('POST', '/api/auth/login', {
    email,
    password,
  });
  if (login.status !== 200) throw new Error(`admin login answered ${login.status} ${JSON.stringify(login.body)}`);
  return new ApiClient(stack.baseUrl, login.body.accessToken);
}
