import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiCredentialsService } from '../api-keys/api-credentials.service';
import { isDatabaseUnavailable, isRedisConnectionError } from '@ultra/platform';
import { UnauthorizedException } from './auth.exception';
import { JWT_STRATEGY } from './jwt.strategy';
import { IS_PUBLIC } from './public.decorator';
import type { AuthUser } from './token-claims';

function reasonOf(info: unknown): string {
  if (info instanceof Error) {
    if (info.name === 'TokenExpiredError') return 'access token has expired';
    if (info.message === 'No auth token') return 'missing bearer token in the Authorization header';
  }
  return 'a valid access token is required';
}

/** Global guard: every route needs a valid access token unless it is marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard(JWT_STRATEGY) {
  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: ApiCredentialsService,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext): ReturnType<CanActivate['canActivate']> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    // API keys and an external IdP's JWTs are checked by their own service; the gateway's tokens by passport.
    return this.credentials
      .authenticate(context)
      .then((done) => done || (super.canActivate(context) as Promise<boolean>));
  }

  override handleRequest<TUser = AuthUser>(error: unknown, user: TUser | false, info: unknown): TUser {
    // The session check could not reach Redis or Postgres: an outage (503), not a bad token. A 401 here would
    // tell clients to sign in again (the web UI drops its session) over an outage they only need to wait out.
    if (isRedisConnectionError(error) || isDatabaseUnavailable(error)) throw error;
    if (error || !user) throw new UnauthorizedException(reasonOf(info ?? error));
    return user;
  }
}
