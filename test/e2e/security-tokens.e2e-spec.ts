import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { AuthResponse } from '@ultra/contracts';
import { ApiClient } from '../support/api';
import { type FakeJsonServer, startFakeJsonServer } from '../support/http';
import { decodeJwt, signJwt, signRs256 } from '../support/security';
import { TestStack } from '../support/stack';
import { createAdmin } from '../support/security-admin';

const PASSWORD = 'correct horse battery staple';
const models = ['mock:alpha', 'mock:beta'];
const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'ultra-api';
const idpKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('security: tokens, sessions and API keys', () => {
  let stack: TestStack;
  let anonymous: ApiClient;
  let jwks: FakeJsonServer;

  async function register(email = `tokens-${randomUUID()}@example.com`): Promise<AuthResponse> {
    const res = await anonymous.request<AuthResponse>('POST', '/api/auth/register', { email, password: PASSWORD });
    if (res.status !== 201) throw new Error(`register answered ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  const me = (token: string) => new ApiClient(stack.baseUrl, token).request('GET', '/api/analyses');
  const refresh = (refreshToken: string) =>
    anonymous.request<AuthResponse>('POST', '/api/auth/refresh', { refreshToken });

  beforeAll(async () => {
    const jwk = { ...idpKey.publicKey.export({ format: 'jwk' }), kid: 'idp-1', alg: 'RS256', use: 'sig' };
    jwks = await startFakeJsonServer(() => ({ status: 200, body: { keys: [jwk] } }));
    stack = await TestStack.start({
      workers: 1,
      env: {
        MOCK_LATENCY_MS: '5',
        AUTH_JWKS_URL: `${jwks.url}/.well-known/jwks.json`,
        AUTH_JWT_ISSUER: ISSUER,
        AUTH_JWT_AUDIENCE: AUDIENCE,
      },
    });
    anonymous = new ApiClient(stack.baseUrl);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    await jwks?.close();
  });

  describe('external identity (JWKS): only the provider’s own, unexpired tokens for this audience', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const claims = () => ({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'idp-user-1',
      email: 'idp-user@example.com',
      iat: now(),
      exp: now() + 600,
    });
    const header = { typ: 'JWT', kid: 'idp-1' };

    it('accepts a token the provider signed (the forgeries below differ in one thing only)', async () => {
      const res = await me(signRs256(header, claims(), idpKey.privateKey));
      expect(`${res.status} ${JSON.stringify(res.body)}`).toMatch(/^200 /);
    });

    it.each<[string, () => string]>([
      [
        'a wrong issuer',
        () => signRs256(header, { ...claims(), iss: 'https://evil.example.test/' }, idpKey.privateKey),
      ],
      ['a wrong audience', () => signRs256(header, { ...claims(), aud: 'another-api' }, idpKey.privateKey)],
      ['expired', () => signRs256(header, { ...claims(), iat: now() - 3600, exp: now() - 60 }, idpKey.privateKey)],
      ['no exp', () => signRs256(header, (({ exp: _exp, ...rest }) => rest)(claims()), idpKey.privateKey)],
      ['signed by another key under the same kid', () => signRs256(header, claims(), strangerKey.privateKey)],
      [
        'HS256 with the gateway’s secret, claiming the issuer',
        () => signJwt({ ...header, alg: 'HS256' }, claims(), stack.env.JWT_SECRET),
      ],
      ['alg none, claiming the issuer', () => signJwt({ ...header, alg: 'none' }, claims())],
    ])('refuses %s', async (_, forge) => {
      expect((await me(forge())).status).toBe(401);
    });
  });

  describe('forged and misused JWTs → 401', () => {
    let auth: AuthResponse;
    let other: AuthResponse;
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    const secret = () => stack.env.JWT_SECRET;

    beforeAll(async () => {
      [auth, other] = [await register(), await register()];
      ({ header, payload: claims } = decodeJwt(auth.accessToken));
    });

    it('accepts the genuine token re-signed unchanged (the forgeries below differ in one thing only)', async () => {
      expect((await me(signJwt(header, claims, secret()))).status).toBe(200);
    });

    const now = () => Math.floor(Date.now() / 1000);
    it.each<[string, () => string]>([
      ['alg none, no signature', () => signJwt({ ...header, alg: 'none' }, claims)],
      [
        'alg none, the real signature kept',
        () => `${signJwt({ ...header, alg: 'none' }, claims)}${auth.accessToken.split('.')[2]}`,
      ],
      ['a wrong secret', () => signJwt(header, claims, 'another-secret-of-sufficient-length-0123')],
      ['expired', () => signJwt(header, { ...claims, iat: now() - 3600, exp: now() - 60 }, secret())],
      ['no exp', () => signJwt(header, (({ exp: _exp, ...rest }) => rest)(claims), secret())],
      [
        'claims changed after signing (sub of another user)',
        () => {
          const [head, , signature] = auth.accessToken.split('.');
          const body = Buffer.from(JSON.stringify({ ...claims, sub: other.user.id, email: other.user.email }));
          return `${head}.${body.toString('base64url')}.${signature}`;
        },
      ],
      ['a refresh token used as an access token', () => auth.refreshToken],
      ['typ changed to refresh', () => signJwt(header, { ...claims, typ: 'refresh' }, secret())],
      ['an empty token', () => ''],
      ['garbage', () => 'not.a.jwt'],
    ])('refuses %s', async (_, forge) => {
      const res = await me(forge());
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    });
  });

  it('rotates refresh tokens; presenting a used one answers 401 and revokes its whole family', async () => {
    const first = await register();
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBe(200);

    expect((await refresh(first.refreshToken)).status).toBe(401);
    expect((await refresh(third.body.refreshToken)).status).toBe(401);
    expect((await me(third.body.accessToken)).status).toBe(401);
  });

  it('logout revokes the session at once, access token included; other sessions live on', async () => {
    const user = await register();
    const elsewhere = await anonymous.request<AuthResponse>('POST', '/api/auth/login', {
      email: user.user.email,
      password: PASSWORD,
    });
    expect(elsewhere.status).toBe(200);
    const client = new ApiClient(stack.baseUrl, user.accessToken);
    expect([200, 204]).toContain(
      (await client.request('POST', '/api/auth/logout', { refreshToken: user.refreshToken })).status,
    );
    expect((await me(user.accessToken)).status).toBe(401);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect((await me(elsewhere.body.accessToken)).status).toBe(200);
  });

  it('logout-all and a password change revoke every session', async () => {
    const user = await register();
    const second = (
      await anonymous.request<AuthResponse>('POST', '/api/auth/login', { email: user.user.email, password: PASSWORD })
    ).body;
    const client = new ApiClient(stack.baseUrl, user.accessToken);
    expect([200, 204]).toContain((await client.request('POST', '/api/auth/logout-all')).status);
    for (const token of [user.accessToken, second.accessToken]) expect((await me(token)).status).toBe(401);
    expect((await refresh(second.refreshToken)).status).toBe(401);

    const again = (
      await anonymous.request<AuthResponse>('POST', '/api/auth/login', { email: user.user.email, password: PASSWORD })
    ).body;
    const kept = (
      await anonymous.request<AuthResponse>('POST', '/api/auth/login', { email: user.user.email, password: PASSWORD })
    ).body;
    const changed = await new ApiClient(stack.baseUrl, kept.accessToken).request('POST', '/api/auth/password', {
      currentPassword: PASSWORD,
      newPassword: 'a new and much longer passphrase 42',
    });
    expect([200, 204]).toContain(changed.status);
    expect((await me(again.accessToken)).status).toBe(401);
    expect((await refresh(again.refreshToken)).status).toBe(401);
  });

  it('an admin disabling a user stops that user’s access and refresh tokens at once; a non-admin cannot', async () => {
    const victim = await register();
    const admin = await createAdmin(stack);
    const stranger = new ApiClient(stack.baseUrl, (await register()).accessToken);
    expect([403, 404]).toContain(
      (await stranger.request('PATCH', `/api/admin/users/${victim.user.id}`, { disabled: true })).status,
    );
    expect((await me(victim.accessToken)).status).toBe(200);

    const disabled = await admin.request('PATCH', `/api/admin/users/${victim.user.id}`, { disabled: true });
    expect(disabled.status).toBe(200);
    expect((await me(victim.accessToken)).status).toBe(401);
    expect((await refresh(victim.refreshToken)).status).toBe(401);
    const login = await anonymous.request('POST', '/api/auth/login', { email: victim.user.email, password: PASSWORD });
    expect([401, 403]).toContain(login.status);
  });

  it('enforces API key scopes, in both headers, and a revoked key fails at once', async () => {
    const owner = new ApiClient(stack.baseUrl, (await register()).accessToken);
    const created = await owner.request<{ id: string; key: string }>('POST', '/api/api-keys', {
      name: 'reader',
      scopes: ['read'],
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^ultra_sk_/);
    const listed = await owner.request('GET', '/api/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);

    const bearer = new ApiClient(stack.baseUrl, created.body.key);
    const header = new ApiClient(stack.baseUrl);
    const viaHeader = (method: string, path: string, body?: unknown) =>
      header.request(method, path, body, { 'x-api-key': created.body.key });
    expect((await bearer.request('GET', '/api/analyses')).status).toBe(200);
    expect((await viaHeader('GET', '/api/analyses')).status).toBe(200);
    expect((await bearer.request('POST', '/api/analyze', { prompt: 'q', models })).status).toBe(403);
    expect((await viaHeader('POST', '/api/analyze', { prompt: 'q', models })).status).toBe(403);
    expect((await bearer.request('POST', '/api/api-keys', { name: 'escalate', scopes: ['admin'] })).status).toBe(403);
    expect((await bearer.request('GET', '/api/admin/users')).status).toBe(403);

    const analyzer = await owner.request<{ key: string }>('POST', '/api/api-keys', { name: 'a', scopes: ['analyze'] });
    expect(analyzer.status).toBe(201);
    const accepted = await new ApiClient(stack.baseUrl, analyzer.body.key).request('POST', '/api/analyze', {
      prompt: 'q',
      models,
    });
    expect(accepted.status).toBe(202);

    expect((await owner.request('DELETE', `/api/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await bearer.request('GET', '/api/analyses')).status).toBe(401);
    expect((await viaHeader('GET', '/api/analyses')).status).toBe(401);
  });
});
