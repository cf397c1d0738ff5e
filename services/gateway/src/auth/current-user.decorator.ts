import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { UnauthorizedException } from './auth.exception';
import type { AuthUser } from './token-claims';

/** The authenticated caller, as the global JWT guard stored it on the request. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser => {
  const request = context.switchToHttp().getRequest<{ user?: AuthUser }>();
  // Only reachable on a route that is wrongly marked @Public(); fail closed rather than act for nobody.
  if (!request.user) throw new UnauthorizedException();
  return request.user;
});
