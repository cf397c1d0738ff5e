import { Body, Controller, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import {
  type AuthResponse,
  type ChangePassword,
  changePasswordSchema,
  type Credentials,
  credentialsSchema,
  refreshSchema,
} from '@ultra/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { AccountService } from './account.service';
import { UnauthorizedException } from './auth.exception';
import { AuthService, type RequestOrigin } from './auth.service';
import { CurrentUser } from './current-user.decorator';
import { TooManyLoginsException } from './login-throttle.service';
import { Public } from './public.decorator';
import type { AuthUser } from './token-claims';

/** Token answers must never sit in a browser's or a proxy's cache. */
function noStore(reply: FastifyReply): void {
  void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

const originOf = (request: FastifyRequest): RequestOrigin => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'],
});

/** The caller's session; an API key or external token has none to log out of. */
function sessionOf(user: AuthUser): string {
  if (!user.sessionId) throw new UnauthorizedException('only a session (access token) can be logged out');
  return user.sessionId;
}

@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly account: AccountService,
  ) {}

  @Public()
  @Post('register')
  @HttpCode(HttpStatus.CREATED)
  register(
    @Body(new ZodValidationPipe(credentialsSchema)) credentials: Credentials,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthResponse> {
    noStore(reply);
    return this.auth.register(credentials, originOf(request));
  }

  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  async login(
    @Body(new ZodValidationPipe(credentialsSchema)) credentials: Credentials,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthResponse> {
    noStore(reply);
    try {
      return await this.auth.login(credentials, originOf(request));
    } catch (error) {
      // The error filter writes the body; the header has to be on the reply before it does.
      if (error instanceof TooManyLoginsException) void reply.header('retry-after', String(error.retryAfterS));
      throw error;
    }
  }

  @Public()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  refresh(
    @Body(new ZodValidationPipe(refreshSchema)) body: z.infer<typeof refreshSchema>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthResponse> {
    noStore(reply);
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  async logout(@CurrentUser() user: AuthUser): Promise<void> {
    await this.auth.logout(sessionOf(user), user.id);
  }

  @Post('logout-all')
  @HttpCode(HttpStatus.NO_CONTENT)
  async logoutAll(@CurrentUser() user: AuthUser): Promise<void> {
    await this.auth.logoutAll(user.id);
  }

  @Post('password')
  @HttpCode(HttpStatus.NO_CONTENT)
  async changePassword(
    @CurrentUser() user: AuthUser,
    @Body(new ZodValidationPipe(changePasswordSchema)) change: ChangePassword,
  ): Promise<void> {
    await this.account.changePassword(user, change);
  }
}
