import { randomBytes, randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import type { AuthResponse } from '@ultra/contracts';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';
import { authClient, STRONG_PASSWORD } from '../testing/auth-client';

const secret = randomBytes(32).toString('hex');
let gateway: GatewayTestApp;
let client: ReturnType<typeof authClient>;

beforeAll(async () => {
  gateway = await startGatewayTestApp({ JWT_SECRET: secret });
  client = authClient(gateway);
});

afterAll(async () => {
  await gateway?.close();
});

const meStatus = async (session: AuthResponse) => (await client.me(session.accessToken)).status;
const refreshStatus = async (session: AuthResponse) =>
  (await client.post('refresh', { refreshToken: session.refreshToken })).status;

describe('refresh token rotation', () => {
  it('spends a refresh token on use; presenting it again answers 401 and revokes the whole session', async () => {
    const first = await client.register();
    const rotated = await client.post('refresh', { refreshToken: first.refreshToken });
    expect(rotated.status).toBe(200);
    expect(await meStatus(rotated.body)).toBe(200);

    const reused = await client.post('refresh', { refreshToken: first.refreshToken });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('unauthorized');
    // The thief's copy and the owner's rotated pair die together.
    expect(await refreshStatus(rotated.body)).toBe(401);
    expect(await meStatus(rotated.body)).toBe(401);
    expect(await meStatus(first)).toBe(401);
  });

  it("leaves the account's other sessions alone when one is revoked for reuse", async () => {
    const victim = await client.register();
    const other = await client.login(victim.user.email);
    await client.post('refresh', { refreshToken: victim.refreshToken });
    expect(await refreshStatus(victim)).toBe(401);
    expect(await meStatus(other)).toBe(200);
  });

  it('stores only a hash of the current refresh token id', async () => {
    const session = await client.register();
    const [row] = await client.sql<{ refresh_hash: string }>('SELECT refresh_hash FROM sessions WHERE user_id = $1', [
      session.user.id,
    ]);
    expect(row?.refresh_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(session.refreshToken).not.toContain(row?.refresh_hash);
  });
});

describe('logout', () => {
  it('POST /api/auth/logout ends the current session: its access and refresh tokens are refused', async () => {
    const session = await client.register();
    const other = await client.login(session.user.email);
    expect(await meStatus(session)).toBe(200);
    expect((await client.post('logout', undefined, session.accessToken)).status).toBe(204);
    expect(await meStatus(session)).toBe(401);
    expect(await refreshStatus(session)).toBe(401);
    expect(await meStatus(other)).toBe(200);
  });

  it('POST /api/auth/logout-all ends every session of the account', async () => {
    const a = await client.register();
    const b = await client.login(a.user.email);
    expect((await client.post('logout-all', undefined, a.accessToken)).status).toBe(204);
    for (const session of [a, b]) {
      expect(await meStatus(session)).toBe(401);
      expect(await refreshStatus(session)).toBe(401);
    }
    expect(await meStatus(await client.login(a.user.email))).toBe(200);
  });

  it('needs a token', async () => {
    expect((await client.post('logout')).status).toBe(401);
    expect((await client.post('logout-all')).status).toBe(401);
  });
});

describe('POST /api/auth/password', () => {
  const newPassword = 'violet tangerine lighthouse 42';

  it("changes the password and revokes the other sessions, keeping the caller's", async () => {
    const caller = await client.register();
    const other = await client.login(caller.user.email);
    const change = { currentPassword: STRONG_PASSWORD, newPassword };
    expect((await client.post('password', change, caller.accessToken)).status).toBe(204);
    expect(await meStatus(caller)).toBe(200);
    expect(await refreshStatus(caller)).toBe(200);
    expect(await meStatus(other)).toBe(401);
    expect(await refreshStatus(other)).toBe(401);
    expect((await client.post('login', { email: caller.user.email, password: STRONG_PASSWORD })).status).toBe(401);
    expect((await client.post('login', { email: caller.user.email, password: newPassword })).status).toBe(200);
  });

  it('refuses a wrong current password (401) and a weak new one (400 naming newPassword)', async () => {
    const caller = await client.register();
    const wrong = await client.post('password', { currentPassword: 'not it at all', newPassword }, caller.accessToken);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const weak = await client.post(
      'password',
      { currentPassword: STRONG_PASSWORD, newPassword: 'password' },
      caller.accessToken,
    );
    expect(weak.status).toBe(400);
    expect(weak.body.error.details).toEqual([expect.objectContaining({ path: 'newPassword' })]);
  });
});

describe('access tokens', () => {
  const jwt = new JwtService({ secret });
  const claimsOf = (session: AuthResponse) =>
    jwt.decode<{ sub: string; email: string; sid: string; typ: string }>(session.accessToken);

  it('refuses a correctly signed token without exp, and accepts the same claims with one', async () => {
    const { sub, email, sid, typ } = claimsOf(await client.register());
    const claims = { sub, email, sid, typ };
    const withoutExp = await jwt.signAsync(claims, { jwtid: randomUUID() });
    const withExp = await jwt.signAsync(claims, { jwtid: randomUUID(), expiresIn: 60 });
    expect((await client.me(withoutExp)).status).toBe(401);
    expect((await client.me(withExp)).status).toBe(200);
  });

  it('refuses alg none and other HMAC algorithms', async () => {
    const claims = claimsOf(await client.register());
    const hs512 = await jwt.signAsync({ ...claims }, { algorithm: 'HS512' });
    const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
    const unsigned = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    for (const token of [hs512, unsigned]) expect((await client.me(token)).status).toBe(401);
  });

  it("refuses a deleted user's token at once", async () => {
    const session = await client.register();
    expect(await meStatus(session)).toBe(200);
    await client.sql('DELETE FROM users WHERE id = $1', [session.user.id]);
    expect(await meStatus(session)).toBe(401);
    expect(await refreshStatus(session)).toBe(401);
  });

  it('refuses a token whose session row is gone, even before its user is', async () => {
    const session = await client.register();
    await client.sql('DELETE FROM sessions WHERE user_id = $1', [session.user.id]);
    expect(await meStatus(session)).toBe(401);
  });
});
