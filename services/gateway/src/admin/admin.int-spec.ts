import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type {
  AdminUserPage,
  AdminUserUsage,
  AdminUserView,
  ApiErrorBody,
  AuditPage,
  AuthResponse,
} from '@ultra/contracts';
import { jsonRequest } from '../../../../test/support/http';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';

type Answer = AuthResponse & AuditPage & AdminUserPage & AdminUserView & AdminUserUsage & ApiErrorBody;

const ADMIN_CLI = resolve(__dirname, '../../dist/admin-cli.js');
const PASSWORD = 'violet tangerine quarry 93';

let gateway: GatewayTestApp;

const call = (method: string, path: string, token?: string, body?: unknown, headers?: Record<string, string>) =>
  jsonRequest<Answer>(gateway.url, method, path, { token, body, headers });
const auth = (path: string, body: unknown, headers?: Record<string, string>) =>
  call('POST', `/api/auth/${path}`, undefined, body, headers);

async function register(password = PASSWORD): Promise<AuthResponse> {
  const response = await auth('register', { email: `user-${randomUUID()}@example.com`, password });
  expect(response.status).toBe(201);
  return response.body;
}

async function login(email: string, password = PASSWORD): Promise<AuthResponse> {
  const response = await auth('login', { email, password });
  expect(response.status).toBe(200);
  return response.body;
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built admin CLI as `npm run admin` runs it, on the test database. */
function adminCli(args: string[], env: Record<string, string> = {}, stdin = ''): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [ADMIN_CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: gateway.db.url, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const typesOf = (page: AuditPage) => page.events.map((event) => event.type);

let admin: AuthResponse;
let alice: AuthResponse;
let bob: AuthResponse;

beforeAll(async () => {
  gateway = await startGatewayTestApp();
  alice = await register();
  bob = await register();
  const adminEmail = `admin-${randomUUID()}@example.com`;
  const created = await adminCli(['create', adminEmail], { ADMIN_PASSWORD: PASSWORD });
  expect(created).toMatchObject({ code: 0, stdout: expect.stringContaining(`created admin ${adminEmail}`) });
  admin = await login(adminEmail);
});

afterAll(async () => {
  await gateway?.close();
});

describe('the audit log of a user', () => {
  it('records sign-up, failed and successful sign-ins and logout, newest first, with where they came from', async () => {
    const user = await register();
    const wrong = await auth('login', { email: user.user.email, password: 'not the password at all' });
    expect(wrong.status).toBe(401);
    const session = (await auth('login', { email: user.user.email, password: PASSWORD }, { 'user-agent': 'probe/1' }))
      .body;
    expect((await call('POST', '/api/auth/logout', session.accessToken)).status).toBeLessThan(300);

    const page = await call('GET', '/api/users/me/audit', user.accessToken);
    expect(page.status).toBe(200);
    expect(typesOf(page.body)).toEqual(['logout', 'login', 'login_failed', 'registered']);
    expect(page.body.events[1]).toMatchObject({
      userId: user.user.id,
      actorId: null,
      ip: expect.stringMatching(/127\.0\.0\.1/),
      userAgent: 'probe/1',
    });
    expect(page.body.events[2]?.details).toEqual({ email: user.user.email });
  });

  it('records password and email changes, logout everywhere and API keys made and revoked', async () => {
    const user = await register();
    const newPassword = 'amber walrus cathedral 27';
    const email = `moved-${randomUUID()}@example.com`;
    const changes = [
      await call('POST', '/api/auth/password', user.accessToken, { currentPassword: PASSWORD, newPassword }),
      await call('PATCH', '/api/users/me', user.accessToken, { email, currentPassword: newPassword }),
    ];
    expect(changes.map((response) => response.status < 300)).toEqual([true, true]);
    const key = await jsonRequest<{ id: string }>(gateway.url, 'POST', '/api/api-keys', {
      token: user.accessToken,
      body: { name: 'ci', scopes: ['read'] },
    });
    expect(key.status).toBe(201);
    expect((await call('DELETE', `/api/api-keys/${key.body.id}`, user.accessToken)).status).toBeLessThan(300);
    const session = await login(email, newPassword);
    expect((await call('POST', '/api/auth/logout-all', session.accessToken)).status).toBeLessThan(300);

    const page = await call('GET', `/api/admin/audit?userId=${user.user.id}`, admin.accessToken);
    expect(typesOf(page.body)).toEqual([
      'logout_all',
      'login',
      'api_key_revoked',
      'api_key_created',
      'email_changed',
      'password_changed',
      'registered',
    ]);
    expect(JSON.stringify(page.body)).not.toContain(newPassword);
  });

  it('shows only the caller’s own events, a page at a time', async () => {
    const mine = await call('GET', '/api/users/me/audit', alice.accessToken);
    expect(mine.body.events.length).toBeGreaterThan(0);
    expect(mine.body.events.every((event) => event.userId === alice.user.id)).toBe(true);

    await login(bob.user.email);
    const first = await call('GET', '/api/users/me/audit?limit=1', bob.accessToken);
    expect(first.body.events).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await call(
      'GET',
      `/api/users/me/audit?limit=1&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`,
      bob.accessToken,
    );
    expect(typesOf(first.body)).toEqual(['login']);
    expect(typesOf(next.body)).toEqual(['registered']);
    expect(next.body.events[0]?.userId).toBe(bob.user.id);
    expect(next.body.nextCursor).toBeNull();
    expect((await call('GET', '/api/users/me/audit?cursor=nonsense', bob.accessToken)).status).toBe(400);
  });
});

describe('admin routes', () => {
  it.each([
    ['GET', '/api/admin/users'],
    ['GET', '/api/admin/audit'],
    ['PATCH', '/api/admin/users/00000000-0000-4000-8000-000000000000'],
    ['GET', '/api/admin/users/00000000-0000-4000-8000-000000000000/usage'],
  ])('refuse %s %s to a plain user with 403 forbidden', async (method, path) => {
    const response = await call(method, path, alice.accessToken, method === 'PATCH' ? { tier: 'basic' } : undefined);
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('forbidden');
  });

  it('list users to the admin made by the CLI, filtered by part of the email', async () => {
    const all = await call('GET', '/api/admin/users', admin.accessToken);
    expect(all.status).toBe(200);
    // Newest first: the admin was made after alice and bob.
    const ids = all.body.users.map((user) => user.id);
    expect(ids).toEqual(expect.arrayContaining([alice.user.id, bob.user.id, admin.user.id]));
    expect(ids.indexOf(admin.user.id)).toBeLessThan(ids.indexOf(bob.user.id));
    const found = await call(
      'GET',
      `/api/admin/users?q=${alice.user.email.slice(5, 20).toUpperCase()}`,
      admin.accessToken,
    );
    expect(found.body.users).toEqual([
      {
        id: alice.user.id,
        email: alice.user.email,
        role: 'user',
        tier: 'free',
        disabledAt: null,
        createdAt: expect.any(String),
      },
    ]);
  });

  it('change tier and role, recording each change with the admin as actor', async () => {
    const changed = await call('PATCH', `/api/admin/users/${alice.user.id}`, admin.accessToken, {
      tier: 'premium',
      role: 'admin',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: alice.user.id, tier: 'premium', role: 'admin' });
    // The new role applies on alice's next request, with the token she already holds.
    expect((await call('GET', '/api/admin/users', alice.accessToken)).status).toBe(200);

    const log = await call('GET', `/api/admin/audit?userId=${alice.user.id}`, admin.accessToken);
    // One PATCH records both changes, often in the same millisecond: their order between them is not defined.
    const latest = log.body.events.slice(0, 2);
    expect(latest).toHaveLength(2);
    expect(latest).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'role_changed',
          actorId: admin.user.id,
          details: { from: 'user', to: 'admin' },
        }),
        expect.objectContaining({
          type: 'tier_changed',
          actorId: admin.user.id,
          details: { from: 'free', to: 'premium' },
        }),
      ]),
    );
    const byType = await call('GET', '/api/admin/audit?type=tier_changed', admin.accessToken);
    expect(byType.body.events.map((event) => event.userId)).toEqual([alice.user.id]);

    await call('PATCH', `/api/admin/users/${alice.user.id}`, admin.accessToken, { role: 'user' });
    expect((await call('GET', '/api/admin/users', alice.accessToken)).status).toBe(403);
  });

  it('refuse an empty or unknown change, an unknown user and an admin disabling themself', async () => {
    expect((await call('PATCH', `/api/admin/users/${bob.user.id}`, admin.accessToken, {})).status).toBe(400);
    expect((await call('PATCH', `/api/admin/users/${bob.user.id}`, admin.accessToken, { tier: 'gold' })).status).toBe(
      400,
    );
    const unknown = await call('PATCH', `/api/admin/users/${randomUUID()}`, admin.accessToken, { tier: 'basic' });
    expect(unknown.status).toBe(404);
    const self = await call('PATCH', `/api/admin/users/${admin.user.id}`, admin.accessToken, { disabled: true });
    expect(self.status).toBe(400);
  });

  it('show a user’s usage of today', async () => {
    const usage = await call('GET', `/api/admin/users/${bob.user.id}/usage`, admin.accessToken);
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({ userId: bob.user.id, analyses: 0, limits: { tier: 'free' } });
    expect((await call('GET', `/api/admin/users/${randomUUID()}/usage`, admin.accessToken)).status).toBe(404);
  });
});

describe('disabling a user', () => {
  it('stops their access and refresh tokens at once and refuses their sign-in, until enabled again', async () => {
    const user = await register();
    expect((await call('GET', '/api/users/me/audit', user.accessToken)).status).toBe(200);

    const disabled = await call('PATCH', `/api/admin/users/${user.user.id}`, admin.accessToken, { disabled: true });
    expect(disabled.body.disabledAt).toEqual(expect.any(String));

    const withToken = await call('GET', '/api/users/me/audit', user.accessToken);
    // Refused by the session check (its sessions were revoked) or the account check, whichever runs first.
    expect(withToken.status).toBe(401);
    expect((await auth('refresh', { refreshToken: user.refreshToken })).status).toBe(401);
    const signIn = await auth('login', { email: user.user.email, password: PASSWORD });
    expect(signIn.status).toBe(401);
    expect(signIn.body.error.message).toContain('disabled');

    const log = await call('GET', `/api/admin/audit?userId=${user.user.id}&type=user_disabled`, admin.accessToken);
    expect(log.body.events).toEqual([expect.objectContaining({ actorId: admin.user.id })]);

    await call('PATCH', `/api/admin/users/${user.user.id}`, admin.accessToken, { disabled: false });
    await login(user.user.email);
  });
});

describe('npm run admin', () => {
  it('promotes and disables by email, reads the password from stdin, and refuses an existing email', async () => {
    const user = await register();
    const promoted = await adminCli(['promote', user.user.email.toUpperCase()]);
    expect(promoted).toMatchObject({ code: 0, stdout: expect.stringContaining('is now an admin') });
    expect((await call('GET', '/api/admin/users', user.accessToken)).status).toBe(200);

    expect((await adminCli(['disable', user.user.email])).code).toBe(0);
    expect((await call('GET', '/api/admin/users', user.accessToken)).body.error.code).toBe('account_disabled');

    const again = await adminCli(['create', user.user.email], {}, `${PASSWORD}\n`);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');

    const piped = await adminCli(['create', `piped-${randomUUID()}@example.com`], {}, `${PASSWORD}\n`);
    expect(piped.code).toBe(0);
    expect((await adminCli(['create', 'x@example.com'], {}, 'short\n')).code).toBe(1);
    expect((await adminCli(['frobnicate'])).code).toBe(2);
  });
});
