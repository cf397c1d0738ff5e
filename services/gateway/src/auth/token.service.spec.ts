import { JwtService } from '@nestjs/jwt';
import { gatewayConfig } from '../config/gateway.config';
import { JwtStrategy } from './jwt.strategy';
import { TokenType } from './token-claims';
import { TokenService } from './token.service';

const config = gatewayConfig.parse({ DATABASE_URL: 'postgres://u@localhost/db', JWT_SECRET: 'unit-test-secret' });
const jwt = new JwtService({
  secret: config.JWT_SECRET,
  signOptions: { algorithm: 'HS256' },
  verifyOptions: { algorithms: ['HS256'] },
});
const tokens = new TokenService(jwt, config);
const strategy = new JwtStrategy(config);
const user = { id: '0b9f2a4e-8a57-4c2e-9c3f-6f1d2b3c4d5e', email: 'ada@example.com' };

describe('TokenService and JwtStrategy', () => {
  it('issues an access and a refresh token that carry their typ and the configured lifetimes', async () => {
    const pair = await tokens.issue(user);
    const access = jwt.decode<{ typ: string; iat: number; exp: number; sub: string }>(pair.accessToken);
    const refresh = jwt.decode<{ typ: string; iat: number; exp: number }>(pair.refreshToken);
    expect(pair.user).toEqual(user);
    expect(access).toMatchObject({ typ: 'access', sub: user.id });
    expect(access.exp - access.iat).toBe(15 * 60);
    expect(refresh.typ).toBe('refresh');
    expect(refresh.exp - refresh.iat).toBe(7 * 86_400);
  });

  it('gives every pair fresh tokens', async () => {
    const [a, b] = await Promise.all([tokens.issue(user), tokens.issue(user)]);
    expect(a.accessToken).not.toBe(b.accessToken);
    expect(a.refreshToken).not.toBe(b.refreshToken);
  });

  it('accepts each token only as its own type', async () => {
    const pair = await tokens.issue(user);
    await expect(tokens.verify(pair.refreshToken, TokenType.Refresh)).resolves.toEqual(user);
    await expect(tokens.verify(pair.accessToken, TokenType.Refresh)).resolves.toBeNull();
    await expect(tokens.verify(pair.accessToken, TokenType.Access)).resolves.toEqual(user);
  });

  it('lets the strategy accept access claims only', async () => {
    const pair = await tokens.issue(user);
    expect(strategy.validate(jwt.decode(pair.accessToken))).toEqual(user);
    expect(strategy.validate(jwt.decode(pair.refreshToken))).toBe(false);
    expect(strategy.validate({ sub: user.id, email: user.email })).toBe(false);
    expect(strategy.validate({ sub: 'not-a-uuid', email: user.email, typ: 'access' })).toBe(false);
  });

  it('rejects tokens signed with another secret, expired or unsigned', async () => {
    const other = new JwtService({ secret: 'another-secret' });
    const forged = await other.signAsync({ sub: user.id, email: user.email, typ: 'refresh' });
    const expired = await jwt.signAsync({ sub: user.id, email: user.email, typ: 'refresh' }, { expiresIn: -10 });
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ sub: user.id, email: user.email, typ: 'refresh' }),
    ).toString('base64url')}.`;
    for (const token of [forged, expired, unsigned, 'garbage']) {
      await expect(tokens.verify(token, TokenType.Refresh)).resolves.toBeNull();
    }
  });
});
