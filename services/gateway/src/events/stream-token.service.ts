import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG } from '@ultra/platform';
import { z } from 'zod';
import { UnauthorizedException } from '../auth/auth.exception';
import { type AuthUser, TokenType, userFromClaims } from '../auth/token-claims';
import type { GatewayConfig } from '../config/gateway.config';

export interface StreamToken {
  token: string;
  /** ISO time after which the token is refused. */
  expiresAt: string;
}

/** Its own `typ`, so neither the API nor the refresh route accepts it; `aid` scopes it to one analysis. */
const STREAM_TYP = 'stream';
const streamClaims = z.object({ sub: z.uuid(), email: z.string().min(1), typ: z.literal(STREAM_TYP), aid: z.uuid() });

/**
 * Short-lived tokens for browsers' EventSource, which cannot send an Authorization header: passed as `?token=`,
 * valid STREAM_TOKEN_TTL_S for one analysis' event stream and nothing else.
 */
@Injectable()
export class StreamTokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async issue(user: AuthUser, analysisId: string): Promise<StreamToken> {
    const token = await this.jwt.signAsync(
      { sub: user.id, email: user.email, typ: STREAM_TYP, aid: analysisId },
      { expiresIn: this.config.STREAM_TOKEN_TTL_S },
    );
    // The token's own `exp` (whole seconds), so the answer never promises more than the token holds.
    const { exp } = this.jwt.decode<{ exp: number }>(token);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** The caller of an event stream: the bearer access token, else a stream token for this very analysis. */
  async userOf(authorization: string | undefined, token: string | undefined, analysisId: string): Promise<AuthUser> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (bearer) {
      const user = userFromClaims(await this.verified(bearer, 'access token'), TokenType.Access);
      if (!user) throw new UnauthorizedException('a valid access token is required');
      return user;
    }
    if (!token) throw new UnauthorizedException('a bearer token or a stream token (?token=) is required');
    const claims = streamClaims.safeParse(await this.verified(token, 'stream token'));
    if (!claims.success) throw new UnauthorizedException('a valid stream token is required');
    if (claims.data.aid !== analysisId) throw new UnauthorizedException('the stream token is for another analysis');
    return { id: claims.data.sub, email: claims.data.email };
  }

  private async verified(token: string, what: string): Promise<object> {
    try {
      return await this.jwt.verifyAsync<object>(token);
    } catch (error) {
      const expired = error instanceof Error && error.name === 'TokenExpiredError';
      throw new UnauthorizedException(expired ? `the ${what} has expired` : `a valid ${what} is required`);
    }
  }
}
