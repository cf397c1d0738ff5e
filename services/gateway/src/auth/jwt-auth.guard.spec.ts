import { Reflector } from '@nestjs/core';
import type { ApiCredentialsService } from '../api-keys/api-credentials.service';
import { UnauthorizedException } from './auth.exception';
import { JwtAuthGuard } from './jwt-auth.guard';

const guard = new JwtAuthGuard(new Reflector(), {} as ApiCredentialsService);
const user = { id: 'u1', email: 'a@example.com', sessionId: 's1' };

/** What pg raises when Postgres stops mid-query or refuses connections. */
function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

describe('JwtAuthGuard.handleRequest', () => {
  it('passes the user of a valid token through', () => {
    expect(guard.handleRequest(null, user, undefined)).toBe(user);
  });

  it('answers a bad or missing token with 401 naming why', () => {
    expect(() => guard.handleRequest(null, false, new Error('No auth token'))).toThrow(
      new UnauthorizedException('missing bearer token in the Authorization header'),
    );
    const expired = Object.assign(new Error('jwt expired'), { name: 'TokenExpiredError' });
    expect(() => guard.handleRequest(null, false, expired)).toThrow(/access token has expired/);
  });

  it.each([
    ['Redis unreachable', new Error('Connection is closed.')],
    ['Postgres shutting down', pgError('terminating connection due to administrator command', '57P01')],
    ['Postgres refusing connections', pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a query cut off', pgError('Connection terminated unexpectedly')],
  ])('rethrows an outage of the session check (%s) for the filter to answer 503, never 401', (_what, error) => {
    expect(() => guard.handleRequest(error, false, undefined)).toThrow(error);
  });

  it('still answers 401 when the session check fails for another reason', () => {
    expect(() => guard.handleRequest(new Error('session revoked'), false, undefined)).toThrow(UnauthorizedException);
  });
});
