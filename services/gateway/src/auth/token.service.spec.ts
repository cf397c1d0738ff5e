import { JwtService } from '@nestjs/jwt';
import { gatewayConfig } from '../config/gateway.config';
import { claimsOf, TokenType } from './token-claims';
import { TokenService } from './token.service';

const config = gatewayConfig.parse({ DATABASE_URL: 'postgres://u@localhost/db', JWT_SECRET: 'unit-test-secret' });
const jwt = new JwtService({
  secret: config.JWT_SECRET,
  signOptions: { algorithm: 'HS256' },
  verifyOptions: { algorithms: ['HS256'] },
});
const tokens = new TokenService(jwt, config);
const user = { id: '0b9f2a4e-8a57-4c2e-9c3f-6f1d2b3c4d5e', email: 'ada@example.com' };
const sessionId = '6a0c0f5e-1d2b-4c3d-8e9f-0a1b2c3d4e5f';
const issue = () => tokens.issue(user, sessionId, tokens.newTokenId());

describe('TokenService', () => {
  it('issues an access and a refresh token that carry their typ, session and the configured lifetimes', async () => {
    const refreshJti = tokens.newTokenId();
    const pair = await tokens.issue(user, sessionId, refreshJti);
    const access = jwt.decode<{ typ: string; iat: number; exp: number; sub: string; sid: string }>(pair.accessToken);
    const refresh = jwt.decode<{ typ: string; iat: number; exp: number; jti: string }>(pair.refreshToken);
    expect(pair.user).toEqual(user);
    expect(access).toMatchObject({ typ: 'access', sub: user.id, sid: sessionId });
    expect(access.exp - access.iat).toBe(15 * 60);
    expect(refresh).toMatchObject({ typ: 'refresh', jti: refreshJti });
    expect(refresh.exp - refresh.iat).toBe(7 * 86_400);
  });

  it('gives every pair fresh tokens', async () => {
    const [a, b] = await Promise.all([issue(), issue()]);
    expect(a.accessToken).not.toBe(b.accessToken);
    expect(a.refreshToken).not.toBe(b.refreshToken);
  });

  it('accepts each token only as its own type', async () => {
    const pair = await issue();
    await expect(tokens.verify(pair.refreshToken, TokenType.Refresh)).resolves.toMatchObject({ sub: user.id });
    await expect(tokens.verify(pair.accessToken, TokenType.Refresh)).resolves.toBeNull();
    await expect(tokens.verify(pair.accessToken, TokenType.Access)).resolves.toMatchObject({ sid: sessionId });
  });

  it('refuses claims without exp, sid or a well-formed subject', async () => {
    const full = jwt.decode<Record<string, unknown>>((await issue()).accessToken);
    expect(claimsOf(full, TokenType.Access)).not.toBeNull();
    for (const missing of ['exp', 'iat', 'sid', 'jti', 'typ']) {
      const rest = Object.fromEntries(Object.entries(full).filter(([name]) => name !== missing));
      expect(claimsOf(rest, TokenType.Access)).toBeNull();
    }
    expect(claimsOf({ ...full, sub: 'not-a-uuid' }, TokenType.Access)).toBeNull();
    const neverExpires = await jwt.signAsync(
      { sub: user.id, email: user.email, sid: sessionId, typ: 'refresh' },
      {
        jwtid: 'x',
      },
    );
    await expect(tokens.verify(neverExpires, TokenType.Refresh)).resolves.toBeNull();
  });

  it('rejects tokens signed with another secret or algorithm, expired or unsigned', async () => {
    const claims = { sub: user.id, email: user.email, sid: sessionId, typ: 'refresh' };
    const other = new JwtService({ secret: 'another-secret' });
    const forged = await other.signAsync(claims, { expiresIn: 60, jwtid: 'x' });
    const hs512 = await jwt.signAsync(claims, { expiresIn: 60, jwtid: 'x', algorithm: 'HS512' });
    const expired = await jwt.signAsync(claims, { expiresIn: -10, jwtid: 'x' });
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ ...claims, jti: 'x', iat: 1, exp: 4_000_000_000 }),
    ).toString('base64url')}.`;
    for (const token of [forged, hs512, expired, unsigned, 'garbage']) {
      await expect(tokens.verify(token, TokenType.Refresh)).resolves.toBeNull();
    }
  });
});
